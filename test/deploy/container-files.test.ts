/**
 * What the Dockerfile and docker-compose.yml name exists and agrees (no container engine runs
 * here): the files they copy and mount, the ports the configs listen on and the images expose and
 * publish, the variables the configs and the example flows need and the services provide, pinned
 * images and package versions, health conditions, log rotation, and ports published on 127.0.0.1
 * only.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { allowedHostsMatcher } from '../../src/core/allowed-hosts.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { execForm, ops, parseCopy, parseEnv, readDockerfile, stage, type Stage } from '../helpers/dockerfile.js';

interface Service {
  image?: string;
  build?: { context: string; target: string };
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  logging?: { driver: string; options: Record<string, string> };
}

const { args, stages } = readDockerfile();
const compose = parseYaml(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const services = Object.entries(compose.services);
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version: string }>;
};
const TOKEN = { LINEWATCH_API_TOKEN: 'token-of-sixteen-chars' };

/** `${VAR}` without a default: what a config cannot start without. */
function requiredVars(text: string): string[] {
  return [...text.matchAll(/\$\{([A-Za-z_]\w*)\}/g)].map((m) => m[1]);
}
const imageEnv = (target: string) => Object.assign({}, ...ops(stage(stages, target), 'ENV').map(parseEnv));
const containerPort = (port: string) => Number(port.split(':').at(-1));
/** A compose value as `docker compose` interpolates it with nothing set: `${VAR:-default}` gives the default. */
const composeValue = (v: string) =>
  v.replace(/\$\{(\w+)(?::?([-?])([^}]*))?\}/g, (_, name: string, op?: string, arg?: string) =>
    op === '-' ? arg! : `<${name}>`,
  );
interface FlowNode {
  type: string;
  url?: string;
  env?: { name: string }[];
  [key: string]: unknown;
}
/** The value the simulator service's command gives a flag. */
const simFlag = (name: string) => {
  const command = compose.services.simulator.command!;
  return Number(command[command.indexOf(name) + 1]);
};
const mounts = (s: Service) => (s.volumes ?? []).map((v) => ({ source: v.split(':')[0], target: v.split(':')[1] }));

describe('container files', () => {
  it('copies only files the build context has (and .dockerignore keeps), from stages defined before', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').filter(Boolean);
    const names: string[] = [];
    const copied: string[] = [];
    for (const s of stages) {
      for (const copy of ops(s, 'COPY').map(parseCopy)) {
        if (copy.from) {
          expect(names, `COPY --from=${copy.from} in stage ${s.name}`).toContain(copy.from);
          continue;
        }
        for (const source of copy.sources) {
          copied.push(source);
          expect(ignored, `${source} is excluded by .dockerignore`).not.toContain(source.split('/')[0]);
          // The Jetson binding is built by the user (deploy/ARM64-JETSON.md); its folder says so.
          if (source === 'deploy/jetson/onnxruntime-node-jetson-arm64.tgz')
            expect(readFileSync(join(ROOT, 'deploy/jetson/README.md'), 'utf8')).toContain(source.split('/').at(-1));
          else expect(existsSync(join(ROOT, source)), `COPY ${source} (stage ${s.name})`).toBe(true);
        }
      }
      names.push(s.name);
    }
    expect(copied).toEqual(expect.arrayContaining(['config/linewatch.yaml', 'scripts/healthcheck.mjs', 'models']));
  });

  it('pins every base image and installs the versions the lock file holds, never the dev dependencies', () => {
    expect(args.NODE_VERSION).toMatch(/^20\.\d+\.\d+$/);
    const [major, minor] = args.NODE_VERSION.split('.').map(Number);
    const [needMajor, needMinor] = /(\d+)\.(\d+)/.exec(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).engines.node)!.slice(1).map(Number);
    expect(major === needMajor ? minor >= needMinor : major > needMajor).toBe(true);
    const stageNames = stages.map((s) => s.name);
    for (const s of stages.filter((s) => !stageNames.includes(s.from)))
      expect(s.from, `FROM of stage ${s.name}`).toMatch(/:r?\d+\.\d+\.\d+(-[a-z]+)*$/);
    for (const [name, service] of services.filter(([, s]) => s.image))
      expect(service.image, `image of ${name}`).toMatch(/:v?\d+\.\d+\.\d+$/);

    const runs = stages.flatMap((s) => ops(s, 'RUN'));
    const installs = runs.filter((r) => /npm (ci|install|prune)/.test(r));
    for (const run of installs) {
      expect(run).not.toMatch(/npm prune/);
      for (const ci of run.match(/npm ci[^&]*/g) ?? []) expect(ci).toContain('--omit=dev');
    }
    const pinned = installs.flatMap((r) => [...r.matchAll(/\s((?:@[\w-]+\/)?[\w.-]+)@(\S+)/g)]);
    expect(pinned.map((m) => m[1])).toEqual(expect.arrayContaining(['typescript', '@types/better-sqlite3', 'node-red']));
    for (const [, pkg, version] of pinned) expect(`${pkg}@${version}`).toBe(`${pkg}@${lock.packages[`node_modules/${pkg}`]?.version}`);
  });

  it('builds the jetson target for arm64 whatever the host, its native modules on its own base', () => {
    const byName = (name: string) => stages.find((s) => s.name === name);
    const platformOf = (s: Stage): string | undefined => s.platform ?? (byName(s.from) && platformOf(byName(s.from)!));
    const baseOf = (s: Stage): string => (byName(s.from) ? baseOf(byName(s.from)!) : s.from);
    const jetson = stage(stages, 'jetson');
    expect(platformOf(jetson)).toBe('linux/arm64');
    expect(baseOf(jetson)).toBe(args.L4T_BASE);
    // Every stage it copies from holds arm64 binaries (node, node_modules); the compiled JavaScript may come from
    // the host's platform. So do the stages those copy from.
    const seen = new Set<string>();
    const arm64 = (s: Stage, why: string) => {
      if (seen.has(s.name)) return;
      seen.add(s.name);
      expect(platformOf(s), `${why}: stage ${s.name}`).toBe('linux/arm64');
      for (const copy of ops(s, 'COPY').map(parseCopy))
        if (copy.from) arm64(stage(stages, copy.from), `${s.name} copies ${copy.sources.join(' ')}`);
    };
    for (const copy of ops(jetson, 'COPY').map(parseCopy))
      if (copy.from && !copy.sources.every((source) => source === '/app/dist'))
        arm64(stage(stages, copy.from), `jetson copies ${copy.sources.join(' ')}`);
    // better-sqlite3 is compiled (or its prebuilt binary chosen) on the image's own base: its glibc and libstdc++.
    const modules = ops(jetson, 'COPY')
      .map(parseCopy)
      .find((c) => c.dest === './node_modules')!;
    const installer = stage(stages, modules.from!);
    expect(baseOf(installer)).toBe(baseOf(jetson));
    expect(ops(installer, 'RUN').join('\n')).toMatch(/npm ci --omit=dev/);
  });

  it('documents the jetson target for Orin (JetPack 6), built for linux/arm64', () => {
    const docs = ['Dockerfile', 'deploy/ARM64-JETSON.md', 'deploy/jetson/README.md', 'docs/container.md'].map(
      (file) => [file, readFileSync(join(ROOT, file), 'utf8')] as const,
    );
    let builds = 0;
    for (const [file, text] of docs)
      for (const line of text.split('\n').filter((l) => /docker (buildx )?build .*--target jetson/.test(l))) {
        builds++;
        expect(line, `${file}: an x86 host builds amd64 binaries into the arm64 image`).toContain('--platform linux/arm64');
      }
    expect(builds).toBeGreaterThanOrEqual(2);
    // JetPack 6 (L4T r36, the base's TensorRT 10) runs on Orin modules only; Xavier stops at JetPack 5.1.
    expect(args.L4T_BASE).toMatch(/:r10\.\d+\.\d+-/);
    const guide = docs[1][1];
    const heading = guide.split('\n').find((l) => /^## .*Jetson/.test(l))!;
    expect(heading).toContain('Orin');
    expect(heading).not.toContain('Xavier');
    expect(guide).toMatch(/Xavier[^.]*JetPack 5/);
  });

  it('the gateway listens, exposes and publishes one port, and its config comes from where LINEWATCH_CONFIG says', async () => {
    const gateway = stage(stages, 'gateway');
    const env = imageEnv('gateway');
    const image = (await loadConfigFile(join(ROOT, 'config/linewatch.yaml'), TOKEN)).config;
    const composed = (await loadConfigFile(join(ROOT, 'deploy/compose/linewatch.yaml'), TOKEN)).config;
    const exposed = ops(gateway, 'EXPOSE').map(Number);
    expect(exposed).toEqual([image.http.port]);
    expect(composed.http.port).toBe(image.http.port);
    expect(compose.services.gateway.ports!.map(containerPort)).toEqual(exposed);
    expect(image.http.host).toBe('0.0.0.0');
    expect(image.http.api_token).toBe(TOKEN.LINEWATCH_API_TOKEN);
    // The image carries config/linewatch.yaml where LINEWATCH_CONFIG points; compose mounts its own there.
    expect(ops(gateway, 'COPY').map(parseCopy)).toContainEqual({
      from: undefined,
      sources: ['config/linewatch.yaml'],
      dest: env.LINEWATCH_CONFIG,
    });
    expect(mounts(compose.services.gateway)).toContainEqual({
      source: './deploy/compose/linewatch.yaml',
      target: env.LINEWATCH_CONFIG,
    });
    // Its folder and the data folder of both configs are the image's volumes.
    const volumes = ops(gateway, 'VOLUME').flatMap(execForm);
    expect(volumes).toEqual(expect.arrayContaining([dirname(env.LINEWATCH_CONFIG), image.data_dir, composed.data_dir]));
    // The health check is the script the image copies, which reads LINEWATCH_CONFIG (replayed in
    // container-steps.e2e.test.ts on a port of its choosing).
    const [node, script] = execForm(ops(gateway, 'HEALTHCHECK')[0]);
    expect(node).toBe('node');
    expect(ops(gateway, 'COPY').map(parseCopy).some((c) => c.sources.includes(script))).toBe(true);
    expect(readFileSync(join(ROOT, script), 'utf8')).toContain(`process.env.LINEWATCH_CONFIG || '${env.LINEWATCH_CONFIG}'`);
    // So is the entry point, which runs the gateway on that config when no command is given.
    const entry = execForm(ops(gateway, 'ENTRYPOINT')[0]);
    expect(entry[0]).toBe('sh');
    expect(execForm(ops(gateway, 'CMD')[0])).toEqual([]);
    expect(ops(gateway, 'COPY').map(parseCopy).some((c) => c.sources.includes(entry[1]))).toBe(true);
    expect(readFileSync(join(ROOT, entry[1]), 'utf8')).toContain(
      `set -- run --config "\${LINEWATCH_CONFIG:-${env.LINEWATCH_CONFIG}}"`,
    );
    // Node-RED reaches the gateway's port, and its own port is the one its image exposes.
    expect(new URL(compose.services['node-red'].environment!.LINEWATCH_DAEMON_URL).port).toBe(String(image.http.port));
    expect(compose.services['node-red'].ports!.map(containerPort)).toEqual(ops(stage(stages, 'node-red'), 'EXPOSE').map(Number));
  });

  it('every service the compose file reaches by URL or port listens there', async () => {
    const composed = (await loadConfigFile(join(ROOT, 'deploy/compose/linewatch.yaml'), TOKEN)).config;
    for (const source of composed.sources)
      expect(source.type === 'modbus_tcp' && source.port, `source ${source.name}`).toBe(simFlag('--modbus-port'));
    expect(compose.services.simulator.ports!.map(containerPort)).toEqual(
      ['--modbus-port', '--opcua-port', '--http-port'].map(simFlag),
    );
    expect(compose.services.simulator.healthcheck!.test.join(' ')).toContain(`:${simFlag('--http-port')}/`);
    const influx = compose.services.influxdb.ports!.map(containerPort);
    const urls = [compose.services.gateway.environment!.INFLUX_URL, compose.services.grafana.environment!.INFLUXDB_URL];
    for (const url of urls) expect(influx).toContain(Number(new URL(url).port));
    expect(composed.storage.influxdb?.url).toBe(compose.services.gateway.environment!.INFLUX_URL);
    const prometheus = parseYaml(readFileSync(join(ROOT, 'deploy/compose/prometheus.yml'), 'utf8'));
    expect(prometheus.scrape_configs[0].static_configs[0].targets).toEqual([`gateway:${composed.http.port}`]);
    // The gateway answers the names Prometheus and Node-RED send as their Host (http.allowed_hosts), not any other.
    const daemonUrl = new URL(compose.services['node-red'].environment!.LINEWATCH_DAEMON_URL);
    const answered = allowedHostsMatcher(composed.http.allowed_hosts ?? []);
    for (const host of [`gateway:${composed.http.port}`, daemonUrl.host])
      expect([host, answered(host)]).toEqual([host, true]);
    expect(answered(`evil.example:${composed.http.port}`)).toBe(false);
    const grafanaProm = new URL(compose.services.grafana.environment!.PROMETHEUS_URL);
    expect(compose.services[grafanaProm.hostname].ports!.map(containerPort)).toContain(Number(grafanaProm.port));
  });

  it('the Node-RED service sets exactly the LINEWATCH_* variables the example flows read, pointing where things listen', async () => {
    const env = Object.fromEntries(
      Object.entries(compose.services['node-red'].environment!).map(([k, v]) => [k, composeValue(v)]),
    );
    // What a flow reads: its tab's environment, the ${VAR}s and env.get()s of its nodes, and the API token that
    // the linewatch gateway and daemon nodes take from Node-RED's environment when their credential is empty.
    const tokenFallback = ['gateway-config-node.ts', 'daemon-node.ts'].every((f) =>
      readFileSync(join(ROOT, 'src/node-red', f), 'utf8').includes('process.env.LINEWATCH_API_TOKEN'),
    );
    expect(tokenFallback).toBe(true);
    const read = new Set<string>();
    const httpIn: string[] = [];
    for (const file of readdirSync(join(ROOT, 'flows')).filter((f) => f.endsWith('.json'))) {
      const nodes = JSON.parse(readFileSync(join(ROOT, 'flows', file), 'utf8')) as FlowNode[];
      for (const n of nodes) {
        for (const e of n.env ?? []) read.add(e.name);
        const text = JSON.stringify({ ...n, env: undefined, info: undefined });
        for (const m of text.matchAll(/\$\{(\w+)\}|env\.get\(\\?['"](\w+)\\?['"]\)/g)) read.add(m[1] ?? m[2]);
        if (n.type === 'linewatch-gateway' || n.type === 'linewatch-daemon') read.add('LINEWATCH_API_TOKEN');
        if (n.type === 'http in') httpIn.push(n.url!);
      }
    }
    expect([...read].filter((v) => v.startsWith('LINEWATCH_')).sort()).toEqual(
      Object.keys(env)
        .filter((v) => v.startsWith('LINEWATCH_'))
        .sort(),
    );
    // Every address is a compose service (localhost: Node-RED itself) on a port that service listens on.
    const composed = (await loadConfigFile(join(ROOT, 'deploy/compose/linewatch.yaml'), TOKEN)).config;
    const listens = (host: string, port: number) => {
      const service = host === 'localhost' || host === '127.0.0.1' ? 'node-red' : host;
      expect(Object.keys(compose.services), `${host} is a compose service`).toContain(service);
      expect(compose.services[service].ports!.map(containerPort), `${service} listens on ${port}`).toContain(port);
      return service;
    };
    for (const [name, value] of Object.entries(env).filter(([, v]) => /^[a-z.]+:\/\//.test(v))) {
      const url = new URL(value.replace(/^opc\.tcp:/, 'http:'));
      const service = listens(url.hostname, Number(url.port));
      if (service === 'node-red') expect(httpIn, `${name}: an http in node of a flow listens there`).toContain(url.pathname);
    }
    expect(new URL(env.LINEWATCH_OPCUA_ENDPOINT.replace(/^opc\.tcp:/, 'http:')).port).toBe(String(simFlag('--opcua-port')));
    listens(env.LINEWATCH_MODBUS_HOST, Number(env.LINEWATCH_MODBUS_PORT));
    expect(Number(env.LINEWATCH_MODBUS_PORT)).toBe(simFlag('--modbus-port'));
    expect(env.LINEWATCH_INFLUX_DB).toBe(compose.services.influxdb.environment!.INFLUXDB_DB);
    expect(env.LINEWATCH_INFLUX_DB).toBe(composed.storage.influxdb?.database);
    // Node-RED's scores and alarms land beside the gateway's, under its site and line.
    expect([env.LINEWATCH_SITE, env.LINEWATCH_LINE]).toEqual([composed.gateway.site, composed.gateway.line]);
  });

  it('`docker run linewatch simulate` keeps its OPC UA PKI on the data volume, which the image user owns', async () => {
    const help = (await runCli(['simulate', '--help'])).stdout.replace(/\s+/g, ' ');
    const [, fallback, variable] = /--pki-dir <dir> .*?\(default: "([^"]+)", env: (\w+)\)/.exec(help)!;
    // The command's own default lies under the working directory: /app in the images, which is root's.
    expect(fallback).not.toMatch(/^\//);
    for (const target of ['gateway', 'jetson']) {
      const s = stage(stages, target);
      expect(ops(s, 'WORKDIR')).toEqual(['/app']);
      const dir = imageEnv(target)[variable] as string | undefined;
      const volume = ops(s, 'VOLUME')
        .flatMap(execForm)
        .find((v) => dir?.startsWith(`${v}/`));
      expect(volume, `${target}: ${variable}=${dir} lies on a volume`).toBe('/data');
      const [user] = ops(s, 'USER');
      expect(ops(s, 'RUN').join('\n'), `${target}: ${user} owns ${volume}`).toMatch(
        new RegExp(`chown ${user}:\\S+ (\\S+ )*${volume}\\b`),
      );
    }
  });

  it('the variables the configs need are given: by compose, by the image, or named in the file for docker run', () => {
    const gatewayEnv = { ...imageEnv('gateway'), ...compose.services.gateway.environment };
    for (const v of requiredVars(readFileSync(join(ROOT, 'deploy/compose/linewatch.yaml'), 'utf8')))
      expect(Object.keys(gatewayEnv), `deploy/compose/linewatch.yaml needs ${v}`).toContain(v);
    const own = readFileSync(join(ROOT, 'config/linewatch.yaml'), 'utf8');
    expect([...new Set(requiredVars(own))]).toEqual(['LINEWATCH_API_TOKEN']);
    expect(own).toContain('-e LINEWATCH_API_TOKEN=');
    const provisioning = join(ROOT, 'grafana/provisioning');
    for (const folder of readdirSync(provisioning))
      for (const file of readdirSync(join(provisioning, folder)))
        for (const v of requiredVars(readFileSync(join(provisioning, folder, file), 'utf8')))
          expect(Object.keys(compose.services.grafana.environment!), `grafana/provisioning/${folder}/${file} needs ${v}`).toContain(v);
  });

  it('mounts what exists, into the folders the image and the provisioning read', () => {
    for (const [name, service] of services)
      for (const { source, target } of mounts(service)) {
        if (source.startsWith('.')) expect(existsSync(join(ROOT, source)), `${name} mounts ${source}`).toBe(true);
        else expect(Object.keys(compose.volumes), `${name}'s volume ${source}`).toContain(source);
        expect(target).toMatch(/^\//);
      }
    const dashboards = parseYaml(readFileSync(join(ROOT, 'grafana/provisioning/dashboards/linewatch.yaml'), 'utf8'))
      .providers[0].options.path as string;
    expect(mounts(compose.services.grafana).map((m) => m.target)).toEqual(
      expect.arrayContaining(['/etc/grafana/provisioning', dashboards]),
    );
  });

  it('publishes on 127.0.0.1 only, rotates logs, and waits for dependencies to be healthy', () => {
    const withHealthcheck = new Set(
      services
        .filter(([, s]) => s.healthcheck || (s.build && ops(stage(stages, s.build.target), 'HEALTHCHECK').length > 0))
        .map(([name]) => name),
    );
    for (const [name, service] of services) {
      for (const port of service.ports ?? []) expect(port, `${name} publishes`).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
      expect(service.logging, `${name}'s logging`).toEqual({
        driver: 'json-file',
        options: { 'max-size': expect.stringMatching(/^\d+m$/), 'max-file': expect.stringMatching(/^\d+$/) },
      });
      expect(withHealthcheck, `${name} has a health check`).toContain(name);
      for (const [dep, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(condition, `${name} waits for ${dep}`).toBe('service_healthy');
        expect(withHealthcheck).toContain(dep);
      }
    }
  });
});
