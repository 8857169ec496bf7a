/** The `linewatch` command line. Each command returns an exit code; errors print one clear message. */
import { Command, CommanderError, Option } from 'commander';
import { LOG_LEVELS } from '../telemetry/logger.js';
import { reportError } from './report-error.js';
import { exportCommand, type ExportOptions } from './export.js';
import { datasetCommand } from './dataset.js';
import { addFitCommands } from './fit-commands.js';
import { demoCommand } from './demo.js';
import { FAULT_TYPES } from '../sim/faults.js';
import { initCommand } from './init.js';
import { STARTER_PROTOCOLS, type StarterProtocol } from './starter-config.js';
import { setCliLogLevel } from './logging.js';
import { keygenCommand, signCommand, verifyCommand } from './model.js';
import { publishCommand, type PublishOptions } from './model-publish.js';
import {
  configPublishCommand,
  configSignCommand,
  type ConfigPublishOptions,
  type ConfigSignOptions,
} from './config-message.js';
import { configVerifyCommand, type ConfigVerifyOptions } from './config-verify.js';
import { runCommand } from './run.js';
import { validateCommand } from './validate.js';
import { simulateCommand } from './simulate.js';
import { quantizeCommand, type QuantizeFlags } from './quantize.js';
import { collect } from './rename-flag.js';
import { checkInputPaths } from './usage.js';
import { versionText } from './version.js';
import { opcuaCertificateCommand } from './opcua-certificate.js';

/** --config, or LINEWATCH_CONFIG when the flag is not given. */
const configOption = (help: string) =>
  new Option('-c, --config <file>', help).env('LINEWATCH_CONFIG').makeOptionMandatory();

export async function main(argv: readonly string[]): Promise<number> {
  let code = 0;
  const program = new Command('linewatch')
    .description(
      'Industrial IoT edge gateway: Modbus, OPC UA and MQTT ingestion, int8 ONNX anomaly detection and part inspection, local alarms, InfluxDB storage, cloud sync',
    )
    .exitOverride()
    .showHelpAfterError()
    .version(versionText(), '-V, --version', 'print the version of linewatch, onnxruntime-node and Node.js')
    .addOption(
      new Option('--log-level <level>', "log level of every command (default: the config's log.level, or warn)")
        .choices(LOG_LEVELS)
        .env('LINEWATCH_LOG_LEVEL'),
    )
    .hook('preAction', (_, action) => {
      setCliLogLevel(program.opts<{ logLevel?: string }>().logLevel);
      checkInputPaths(action);
    });
  const wrap =
    <A extends unknown[]>(fn: (...args: A) => Promise<number>) =>
    async (...args: A) => {
      code = await fn(...args);
    };

  program
    .command('run')
    .description('run the gateway daemon')
    .addOption(configOption('configuration file (YAML)'))
    .option('--once', 'read every source once, print the decoded samples as JSON lines and exit')
    .action(wrap((opts: { config: string; once?: boolean }) => runCommand(opts)));
  program
    .command('validate')
    .description(
      'check a configuration (and the models it names) without opening any connection, or a model folder on its own',
    )
    .addOption(new Option('-c, --config <file>', 'configuration file (YAML)').env('LINEWATCH_CONFIG'))
    .option(
      '--model <dir>',
      "a model folder instead (or a shipped model's name: pump-hybrid): manifest, file hashes, loads in onnxruntime, golden window",
    )
    .action(
      wrap((opts: { config?: string; model?: string }, command: Command) =>
        validateCommand({ ...opts, configGiven: command.getOptionValueSource('config') === 'cli' }),
      ),
    );
  program
    .command('opcua-certificate')
    .description(
      "make this gateway's OPC UA client certificate if missing (never again), and print what a PLC's trust dialog shows: file, subject, ApplicationUri, SHA-1/SHA-256",
    )
    .addOption(configOption('configuration file (YAML)'))
    .action(wrap((opts: { config: string }) => opcuaCertificateCommand(opts)));
  program
    .command('init')
    .description('write an annotated starter configuration (reads the simulator; refuses to overwrite a file)')
    .option('-o, --out <file>', 'where to write it', 'linewatch.yaml')
    .addOption(
      new Option('-p, --protocol <protocol>', "how the starter reads the simulator's pump: Modbus TCP or OPC UA")
        .choices(STARTER_PROTOCOLS)
        .default('modbus'),
    )
    .action(wrap(async (opts: { out: string; protocol: StarterProtocol }) => initCommand(opts)));
  program
    .command('export')
    .description(
      "one asset's raw samples from the gateway's local store (storage.local) as a CSV that train and eval read: the rows the gateway formed",
    )
    .option(
      '-c, --config <file>',
      "the gateway configuration: its storage.local file and the asset's max_sample_age_ms",
    )
    .option('--db <file>', 'or: the local store file itself')
    .option('--asset <name>', 'the asset (default: the one the store holds)')
    .option('--from <time>', 'first sample time: ISO 8601 (2026-12-05T06:00:00Z) or Unix ms')
    .option('--to <time>', 'last sample time: ISO 8601 or Unix ms')
    .option('--channels <list>', "the asset's channels to write, comma-separated (default: every one stored)")
    .option(
      '--max-age-ms <ms>',
      "a reading older than this leaves its cell empty (default: the asset's window, else 5000)",
    )
    .requiredOption('--out <file>', 'the CSV to write (never overwritten)')
    .action(wrap((opts: ExportOptions) => exportCommand(opts)));
  program
    .command('simulate')
    .description('run the line simulator: Modbus TCP, OPC UA and an HTTP fault-injection API')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--modbus-port <port>', 'Modbus TCP port', '5020')
    .option('--opcua-port <port>', 'OPC UA port', '4840')
    .addOption(new Option('--opcua', 'start the OPC UA server (the default)').default(true))
    .option('--no-opcua', 'do not start the OPC UA server')
    .option('--http-port <port>', 'fault-injection HTTP API port', '8091')
    .addOption(
      new Option('--pki-dir <dir>', 'OPC UA server PKI folder (created if missing; must be writable)')
        .env('LINEWATCH_SIM_PKI_DIR')
        .default('data/sim-pki'),
    )
    .option('--seed <n>', 'random seed', '1')
    .option('--speed <x>', 'simulated seconds per real second', '1')
    .option('--fault <spec...>', 'schedule a fault: TYPE@START_S[+DURATION_S] (e.g. cavitation@60+30)')
    .option(
      '--replay <csv>',
      "replay a SKAB-format CSV as the pump station's signals: 7 of its columns to the pump's channels, Thermocouple dropped (docs/simulator.md)",
    )
    .option('--rtu-path <device>', 'also serve Modbus RTU on this serial device (e.g. a socat pty)')
    .option('--rtu-baud <n>', 'RTU baud rate', '9600')
    .option(
      '-c, --config <file>',
      'simulator config file (ports, seed, speed, replay, fault schedule); replaces the other options except --fault',
    )
    .action(wrap((opts) => simulateCommand(opts)));
  program
    .command('demo')
    .description('simulator and gateway in one process; a fault is injected and detected')
    .option('--duration-s <n>', 'exit after N seconds (0: run until Ctrl-C); a JSON summary is printed last', '0')
    .addOption(new Option('--http-port <port>', 'gateway HTTP port').default('8080'))
    .option('--fault <type>', `fault injected by the demo: ${FAULT_TYPES.join(', ')}`, 'cavitation')
    .option('--fault-at-s <n>', 'seconds after start when the fault begins', '20')
    .action(wrap((opts) => demoCommand(opts)));
  const model = program.command('model').description('signed model releases: keys, signing, verification, publishing');
  model
    .command('keygen')
    .description('create an ed25519 key pair for signing releases')
    .requiredOption('--out <dir>', 'folder for the two PEM files')
    .action(wrap((opts: { out: string }) => keygenCommand(opts)));
  model
    .command('sign')
    .description('sign a model folder (writes manifest.sig next to manifest.json)')
    .requiredOption('--model <dir>', 'model folder')
    .requiredOption('--key <file>', 'ed25519 private key (PEM)')
    .option(
      '--sequence <n>',
      "the release's sequence number (written into the manifest before signing): gateways take only releases above the one they confirmed",
    )
    .action(wrap((opts: { model: string; key: string; sequence?: string }) => signCommand(opts)));
  model
    .command('verify')
    .description('check a release as a gateway would: signature, hash, loads, golden window')
    .requiredOption('--model <dir>', 'model folder')
    .requiredOption('--public-key <file>', 'ed25519 public key (PEM)')
    .action(wrap((opts: { model: string; publicKey: string }) => verifyCommand(opts)));
  model
    .command('publish')
    .description(
      'announce a signed release: checks it as verify does, then publishes its notice retained on ' +
        '<prefix>/releases/<model name> (broker login from LINEWATCH_MQTT_USERNAME and LINEWATCH_MQTT_PASSWORD)',
    )
    .requiredOption('--model <dir>', 'the signed release folder, as uploaded')
    .requiredOption('--public-key <file>', 'ed25519 public key (PEM) the gateways are configured with')
    .requiredOption('--url <url>', 'the http(s) URL of the folder the release is uploaded to, as gateways fetch it')
    .requiredOption('--broker <url>', "the gateways' cloud broker: mqtt://host:1883 or mqtts://host:8883")
    .option('--prefix <prefix>', "the gateways' cloud.mqtt.topic_prefix", 'linewatch')
    .option('--ca-file <file>', 'TLS: CA bundle to trust (PEM)')
    .option('--cert-file <file>', 'TLS: client certificate (PEM)')
    .option('--key-file <file>', 'TLS: private key of --cert-file (PEM)')
    .option(
      '--protocol-version <4|5>',
      "the MQTT version: 5 (the default, as the gateways' cloud.mqtt.protocol_version) or 4 (3.1.1, for a broker " +
        'without MQTT 5)',
    )
    .option(
      '--no-url-check',
      'publish without first fetching the release from --url and comparing it with the folder (where this machine ' +
        'cannot reach the URL the gateways use)',
    )
    .action(wrap((opts: PublishOptions) => publishCommand(opts)));
  const remote = program
    .command('config')
    .description('signed remote configurations (cloud.remote_config on the gateways): signing, verifying, publishing');
  remote
    .command('sign')
    .description(
      "sign a YAML configuration for one gateway or the fleet (read as the gateways read it: without the environment, and no key only a gateway's local file sets)",
    )
    .requiredOption(
      '--config <file>',
      'the YAML configuration (without cloud, data_dir, gateway.name, http binding and tokens)',
    )
    .requiredOption('--key <file>', 'ed25519 private key (PEM), as linewatch model keygen writes it')
    .requiredOption(
      '--sequence <n>',
      'above every configuration signed for these gateways before: a gateway takes only a higher one',
    )
    .requiredOption('--target <name>', "the gateway's name (gateway.name), or '*' for every gateway")
    .requiredOption('--out <file>', 'the signed message written')
    .action(wrap((opts: ConfigSignOptions) => configSignCommand(opts)));
  remote
    .command('publish')
    .description(
      'publish a signed configuration retained on <prefix>/<target>/config (or <prefix>/config for the fleet), after checking its signature (broker login from LINEWATCH_MQTT_USERNAME and LINEWATCH_MQTT_PASSWORD)',
    )
    .requiredOption('--message <file>', 'the message linewatch config sign wrote')
    .requiredOption(
      '--public-key <file>',
      'ed25519 public key (PEM) the gateways hold (cloud.remote_config.public_key_file)',
    )
    .requiredOption('--broker <url>', "the gateways' cloud broker: mqtt://host:1883 or mqtts://host:8883")
    .option('--prefix <prefix>', "the gateways' cloud.mqtt.topic_prefix", 'linewatch')
    .option('--ca-file <file>', 'TLS: CA bundle to trust (PEM)')
    .option('--cert-file <file>', 'TLS: client certificate (PEM)')
    .option('--key-file <file>', 'TLS: private key of --cert-file (PEM)')
    .option('--protocol-version <4|5>', 'the MQTT version: 5 (the default) or 4 (3.1.1)')
    .action(wrap((opts: ConfigPublishOptions) => configPublishCommand(opts)));
  remote
    .command('verify')
    .description(
      "check a signed configuration message before publishing it, by the checks a gateway runs (signature, target, size, sequence; with --config, the local file's rules and validate's checks), and/or show what a gateway keeps (--data-dir), changing nothing; exit 0 taken, 1 refused, 2 usage",
    )
    .option('--message <file>', 'the message linewatch config sign wrote')
    .requiredOption('--key <file>', 'ed25519 public key (PEM) the gateways hold (cloud.remote_config.public_key_file)')
    .option('--config <file>', "the gateway's local configuration: every rule its intake applies, and its gateway.name")
    .option('--gateway <name>', "the gateway's name (gateway.name) the message must be for, without --config")
    .option(
      '--data-dir <dir>',
      "a gateway's data_dir: what it keeps in remote-config/ (read only), and its sequence floor",
    )
    .action(wrap((opts: ConfigVerifyOptions) => configVerifyCommand(opts)));
  addFitCommands(program, wrap, argv);

  program
    .command('dataset')
    .description(
      'write a synthetic labelled data set for linewatch eval (labelled CSVs, anomaly-free.csv, README.md): a process plant, or the simulated press cycles',
    )
    .requiredOption(
      '--out <dir>',
      'folder to write into (created if missing; refused if it holds files of another data set)',
    )
    .option(
      '--preset <name>',
      "process (TEP-like: 52 channels, 180000 ms, 960 rows, 21 files), skab-like (8, 1000 ms, 1100 rows, 16 files) or press (the simulated press's cycles for part models, 200 ms, 8 files of 90 min; --files, --seed)",
      'process',
    )
    .option('--channels <n>', "recorded channels, valves included, 8 to 120 (default: the preset's)")
    .option('--period-ms <n>', "sample period in ms, a multiple of 1000 (default: the preset's)")
    .option('--rows <n>', "rows per labelled file, 600 to 100000; faults start at rows 420-500 (default: the preset's)")
    .option('--files <n>', "labelled files, one fault each, 1 to 1000 (press: 1 to 100) (default: the preset's)")
    .option('--seed <n>', 'random seed of the plant, its runs and its faults', '1')
    .option('--noise-scale <x>', "multiplies every channel's measurement noise, 0.01 to 10 (default 1)")
    .option('--faults <kinds>', 'fault kinds taken in turn, comma-separated (default: all)')
    .option(
      '--recovering <share>',
      'share of files whose fault ends before the file does, the plant back to normal after it, 0 to 1 (0: every fault lasts to the end, as in Tennessee Eastman test runs; default 0.4)',
    )
    .option(
      '--analysers <n>',
      'measured channels recorded as sampled analysers, each reading held until the next (three quarters every 6 minutes, the rest every 15, as in Tennessee Eastman: 19 of its 52 channels; default 0)',
    )
    .action(wrap((opts) => datasetCommand(opts)));
  program
    .command('quantize')
    .description(
      "static int8 quantization (QDQ) of a model's fp32 export, calibrated on normal windows (a part model: parts) from a CSV; int8/fp32 agreement into the manifest",
    )
    .requiredOption('--model <dir>', 'the model folder (manifest.json with fp32_file)')
    .requiredOption(
      '--csv <file>',
      "a CSV of normal operation with the model's channels as columns, at its sample period",
    )
    .option('--hop <n>', 'rows between calibration windows (default 1; a part model: one window per part)')
    .option(
      '--validation-fraction <f>',
      'share of the last rows used to compare int8 with fp32 (a part model: of its parts, on which its threshold is calibrated again)',
      '0.25',
    )
    .option(
      '--rename <old=new>',
      'read a CSV column under the name of the model\'s channel, as train --rename did, e.g. "Volume Flow ' +
        'RateRMS=Volume_Flow_RateRMS"; once per column; without it, a CSV with the columns the model was trained ' +
        'on is read with the renames its manifest records (said on stderr)',
      collect,
    )
    .option(
      '--cycle-channel <name>',
      "a part model whose manifest records no cut (the shipped press-ae): the column that marks the cycle (its asset window's trigger_channel); a part model is calibrated on its parts, cut as the gateway cuts them, and its threshold calibrated again on the held-out parts; a model trained with --cycle-channel records its cut",
    )
    .option('--cycle-trigger <kind>', 'with --cycle-channel: flag (a part runs while non-zero, the default) or counter')
    .option(
      '--part-id-channel <name>',
      "a part model: a column holding each part's id (default: the model's, where it records one)",
    )
    .option('--min-samples <n>', 'with --cycle-channel: a part with fewer rows is left out (default 5, as the gateway)')
    .option(
      '--max-samples <n>',
      'with --cycle-channel: a part with more rows is left out (default 10000, as the gateway)',
    )
    .requiredOption('--out <dir>', 'output folder (the model folder itself to replace its int8 file)')
    .action(wrap((opts: QuantizeFlags) => quantizeCommand(opts, argv)));

  // `help model verify`: commander's help command takes one name; a subcommand's help is its --help.
  const args = argv[0] === 'help' && argv.length > 2 ? [...argv.slice(1), '--help'] : [...argv];
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (err) {
    // Help and --version exit 0; every other commander error is a usage error.
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    return reportError(err);
  }
  return code;
}
