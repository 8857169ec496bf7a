/**
 * Fixtures of the model-update tests: release folders made from the shipped pump-ae model and
 * signed, served by a real HTTP server on 127.0.0.1 that answers as a static file server does
 * (Content-Length, 404 for what is not there; other answers on paths the test routes itself) and
 * records every path it was asked for; and the gateway side of an update for one asset.
 */
import { cp, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Model } from '../../src/core/components.js';
import type { LoadedManifest } from '../../src/inference/manifest.js';
import type { ConfirmedRecord } from '../../src/sync/confirmed-release.js';
import type { UpdateHost } from '../../src/sync/update-host.js';
import type { ModelUpdateEvent } from '../../src/sync/update-outcome.js';
import { signRelease } from '../../src/sync/release.js';
import { ROOT } from './cli.js';

export interface ReleaseServer {
  /** The folder served: a release in `<root>/<folder>` is at `<url>/<folder>/`. */
  readonly root: string;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** Every path asked for, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** Answers the paths it names itself (a redirect, say), instead of serving a file. */
export type Routes = Record<string, (res: ServerResponse) => void>;

export async function startReleaseServer(routes: Routes = {}): Promise<ReleaseServer> {
  const root = await mkdtemp(join(tmpdir(), 'lw-releases-'));
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    requests.push(path);
    if (Object.hasOwn(routes, path)) return routes[path](res);
    const file = join(root, decodeURIComponent(path));
    stat(file).then(
      (s) => {
        if (!file.startsWith(root) || !s.isFile()) return res.writeHead(404).end();
        res.writeHead(200, { 'content-length': s.size });
        createReadStream(file).pipe(res);
      },
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    root,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections(); // fetch keeps its connections alive
      }),
  };
}

/**
 * Writes `<root>/<folder>/`: the shipped pump-ae model as `version`, `edit` applied to its manifest,
 * signed with `privateKeyPath` as release `sequence`. Returns the folder.
 */
export async function makeRelease(
  root: string,
  folder: string,
  release: {
    version: string;
    privateKeyPath: string;
    sequence: number;
    edit?: (manifest: Record<string, unknown>) => void;
  },
): Promise<string> {
  const dir = join(root, folder);
  await cp(join(ROOT, 'models/pump-ae'), dir, { recursive: true });
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  manifest.version = release.version;
  release.edit?.(manifest);
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
  await signRelease(dir, release.privateKeyPath, release.sequence);
  return dir;
}

/** A signed release of pump-ae as `version`, stored as a release is at `<store>/pump-1/<version>`; its record. */
export async function storedRelease(
  store: string,
  privateKeyPath: string,
  version: string,
  sequence: number,
): Promise<ConfirmedRecord> {
  const dir = await makeRelease(join(store, 'pump-1'), version, { version, privateKeyPath, sequence });
  const { sha256 } = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { sha256: string };
  return { version, dir, sequence, sha256 };
}

/**
 * What the updater sees of a gateway with one asset, pump-1, running `model` (200 ms samples) at first, configured
 * with `configured` (the model a local rollback goes back to last), and scoring nothing.
 */
export function oneAssetHost(
  model: Model,
  report: (event: ModelUpdateEvent) => void,
  configured?: LoadedManifest,
): { host: UpdateHost; current: () => Model } {
  let current = model;
  return {
    current: () => current,
    host: {
      assetsRunning: (name) =>
        current.name === name ? [{ asset: 'pump-1', model: current, samplePeriodMs: 200 }] : [],
      currentModel: () => current,
      configuredModel: () => configured,
      swapModel: (_asset, next) => {
        const previous = current;
        current = next;
        return previous;
      },
      runsEnded: async () => undefined,
      report,
    },
  };
}
