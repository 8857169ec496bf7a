/**
 * The model dialog's path check (GET linewatch/model, served by the model node to the editor): whether a path names a
 * model folder the node can load, its shape, kind and running condition, or why not, never a file's contents nor a
 * listing; bad parameters refused by name; with the window dialog's fields, the warning the window node gives at deploy
 * where they window other rows than the model learnt (the same comparison).
 */
import { cp, mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { helper, nodes } from './helper.js';

afterEach(() => helper.unload());

let userDir: string;
const SECRET = 'not-a-manifest: the text of a private file';

/** A copy of the shipped pump-ae in the user directory with `training` set over its own. */
async function ownModel(name: string, training: Record<string, unknown>): Promise<string> {
  const dir = join(userDir, 'models', name);
  await cp(join(ROOT, 'models/pump-ae'), dir, { recursive: true });
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  await writeFile(
    join(dir, 'manifest.json'),
    JSON.stringify({ ...manifest, training: { ...manifest.training, ...training } }),
  );
  return dir;
}

beforeAll(async () => {
  userDir = await mkdtemp(join(tmpdir(), 'lw-nr-check-'));
  await ownModel('pump-run', { running_when: { channel: 'mode', equals: 'RUN', settle_ms: 2000 } });
  await ownModel('pump-parts', {
    parts: { window: { trigger_channel: 'cycle', trigger: 'flag', min_samples: 5, max_samples: 100 } },
  });
  await writeFile(join(userDir, 'private.txt'), SECRET);
  await mkdir(join(userDir, 'not-json'));
  await writeFile(join(userDir, 'not-json', 'manifest.json'), SECRET);
  await mkdir(join(userDir, 'linked'));
  await symlink(join(userDir, 'private.txt'), join(userDir, 'linked', 'manifest.json'));
  await mkdir(join(userDir, 'huge'));
  await writeFile(join(userDir, 'huge', 'manifest.json'), ' '.repeat((1 << 20) + 1));
  await symlink(join(ROOT, 'models/pump-ae'), join(userDir, 'pump-link'));
});

/** Loads a model node (the endpoint's owner) in a runtime whose user directory is `userDir`. */
async function start(flow: unknown[] = [{ id: 'm', type: 'linewatch-model', path: 'models/pump-ae' }]) {
  (helper as unknown as { settings(s: Record<string, unknown>): void }).settings({ userDir });
  await helper.load([nodes.model, nodes.window], flow);
}

async function ask(query: Record<string, string | string[]>): Promise<{ status: number; body: any }> {
  const res = await (helper as unknown as { request(): any }).request().get('/linewatch/model').query(query);
  return { status: res.status, body: res.body };
}

const NOT_A_MODEL = (ref: string) =>
  `model ${ref}: no folder holding a manifest.json there (a relative path is looked up in the Node-RED user directory, then in the linewatch package); a model folder holds the manifest.json and ONNX files that linewatch train writes`;

describe('GET linewatch/model: what the model dialog shows of its path', () => {
  it('describes a model it can load: channels, window, period, kind and running condition', async () => {
    await start();
    const pumpAe = {
      ok: true,
      name: 'pump-ae',
      kind: 'continuous',
      channels: ['vibration_1', 'vibration_2', 'motor_current', 'voltage', 'pressure', 'temperature', 'flow'],
      windowLength: 20,
      periodMs: 200,
      running: null,
    };
    expect(await ask({ path: 'models/pump-ae' })).toEqual({ status: 200, body: pumpAe });
    // A bare shipped name, a link to a model folder and the manifest file itself load as the node loads them.
    expect((await ask({ path: 'pump-ae' })).body).toEqual(pumpAe);
    expect((await ask({ path: 'pump-link' })).body).toEqual(pumpAe);
    expect((await ask({ path: join(ROOT, 'models/pump-ae/manifest.json') })).body).toEqual(pumpAe);
    expect((await ask({ path: 'models/pump-run' })).body).toMatchObject({
      ok: true,
      kind: 'continuous',
      running: 'mode=RUN, settling 2000 ms after a restart',
    });
    expect((await ask({ path: 'models/pump-parts' })).body).toMatchObject({ ok: true, kind: 'part', running: null });
  });

  it('says why a typo cannot load, with the shipped model it likely misspells', async () => {
    await start();
    expect(await ask({ path: 'models/pump-hybird' })).toEqual({
      status: 200,
      body: { ok: false, why: `${NOT_A_MODEL('models/pump-hybird')}; did you mean models/pump-hybrid?` },
    });
  });

  it('a path Node-RED sets from an environment variable: said, not red, its value never read nor echoed', async () => {
    await start();
    // The variable is set, and names a model folder: the answer still says neither (a browser asks).
    process.env.LW_TEST_MODEL_PATH = join(ROOT, 'models/pump-ae');
    try {
      const later = (v: string) =>
        `model path from environment variable ${v}: Node-RED sets it when the flow starts (the flow's or the process's env); the model it names is checked at deploy`;
      expect(await ask({ path: '${LW_TEST_MODEL_PATH}' })).toEqual({
        status: 200,
        body: { ok: 'at deploy', why: later('LW_TEST_MODEL_PATH') },
      });
      expect((await ask({ path: '$(HOME)' })).body).toEqual({ ok: 'at deploy', why: later('HOME') });
      // Inside a longer path Node-RED leaves it as typed: the path is checked as it is, and the answer says why.
      expect((await ask({ path: 'models/${LW_TEST_MODEL_PATH}' })).body).toEqual({
        ok: false,
        why: `${NOT_A_MODEL('models/${LW_TEST_MODEL_PATH}')} (Node-RED substitutes an environment variable only where \${VAR} is the whole path)`,
      });
    } finally {
      delete process.env.LW_TEST_MODEL_PATH;
    }
  });

  it('answers a path that is no model folder alike, whatever is there, and never with its contents', async () => {
    await start();
    // A bare name may be a shipped model's: those are named (the package's, no folder of the user's is listed).
    const shipped = ', nor a shipped model (press-ae, pump-ae, pump-conv-ae, pump-hybrid)';
    for (const ref of ['private.txt', 'linked', 'huge', 'no-such-folder'])
      expect([ref, (await ask({ path: ref })).body]).toEqual([ref, { ok: false, why: NOT_A_MODEL(ref) + shipped }]);
    for (const ref of ['/etc', '/etc/passwd', join(userDir, 'private.txt'), '../../../etc', 'models/../../etc'])
      expect([ref, (await ask({ path: ref })).body]).toEqual([ref, { ok: false, why: NOT_A_MODEL(ref) }]);
    const notJson = await ask({ path: 'not-json' });
    expect(notJson.body).toEqual({
      ok: false,
      why: `model manifest ${join(userDir, 'not-json', 'manifest.json')}: not JSON`,
    });
  });

  it('refuses a bad parameter by name', async () => {
    await start();
    const cases: [Record<string, string | string[]>, string][] = [
      [{}, 'path: required (the model folder to check)'],
      [{ path: '   ' }, 'path: required (the model folder to check)'],
      [{ path: 'models/pump-ae\u0000/x' }, 'path: holds a control character'],
      [{ path: 'm'.repeat(1025) }, 'path: longer than 1024 characters'],
      [{ path: ['models/pump-ae', 'pump-ae'] }, 'path: expected one text value'],
      [{ path: 'models/pump-ae', running: 'x'.repeat(201) }, 'running: longer than 200 characters'],
      [{ path: 'models/pump-ae', registers: 'flow 0 uint16\u0000' }, 'registers: holds a control character'],
      [{ path: 'models/pump-ae', registers: 'f 0\n'.repeat(2001) }, 'registers: longer than 8000 characters'],
    ];
    for (const [query, error] of cases) expect(await ask(query)).toEqual({ status: 400, body: { error } });
  });

  it("gives the window dialog the warning its node gives at deploy where it windows other rows than the model's", async () => {
    const fields = { asset: 'hx-1', running: 'equals', runningChannel: 'mode', runningValue: 'AUTO', settleMs: '' };
    await start([
      { id: 'm', type: 'linewatch-model', path: 'models/pump-run' },
      { id: 'w', type: 'linewatch-window', model: 'm', format: 'object', ...fields, wires: [[], []] },
    ]);
    const deployed = await new Promise<string>((resolve) =>
      helper.getNode('w')!.once('call:warn', (call: { args: unknown[] }) => resolve(String(call.args[0]))),
    );
    const answer = (await ask({ path: 'models/pump-run', mode: 'sliding', ...fields })).body;
    expect(answer.runningWarning).toBe(deployed);
    expect(deployed).toMatch(/^window hx-1: Runs when mode=AUTO, but model pump-ae learnt the rows where mode=RUN/);
    // As the model learnt: nothing to warn of.
    expect((await ask({ path: 'models/pump-run', ...fields, running: 'model' })).body).not.toHaveProperty(
      'runningWarning',
    );
  });

  it("gives the window dialog the deploy's refusal of a register list without a line for a channel of the model", async () => {
    const registers = 'vibration_1 0 uint16 ABCD 0.0001\nmotor_current 2 float32\n';
    await start([
      { id: 'm', type: 'linewatch-model', path: 'models/pump-ae' },
      { id: 'w', type: 'linewatch-window', asset: 'p', model: 'm', format: 'registers', registers, wires: [[], []] },
    ]);
    const deployed = await new Promise<string>((resolve) =>
      helper.getNode('w')!.once('call:error', (call: { args: unknown[] }) => resolve(String(call.args[0]))),
    );
    const answer = (await ask({ path: 'models/pump-ae', format: 'registers', registers })).body;
    expect(answer.registersProblem).toBe(deployed);
    expect(deployed).toMatch(/^register list: no line for vibration_2, voltage, pressure, temperature, flow \(/);
    // Every channel with a line, or a list the dialog flags itself: nothing to add.
    const all = answer.channels.map((c: string, i: number) => `${c} ${i} uint16`).join('\n');
    expect((await ask({ path: 'models/pump-ae', registers: all })).body).not.toHaveProperty('registersProblem');
    expect((await ask({ path: 'models/pump-ae', registers: 'flow 0 uint17' })).body).not.toHaveProperty(
      'registersProblem',
    );
  });
});
