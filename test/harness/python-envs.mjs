// Python interpreters carrying the three azure-identity versions the integration tests check the engine against:
//
//   debian12  /usr/bin/python3 with Debian 12's python3-azure (azure-identity 1.13.0b2, a main-branch snapshot)
//             and python3-msal, installed with apt-get by test/harness/toolchain.mjs.
//   debian13  Debian 13's python3-azure (azure-identity 1.23.1, azure-core 1.35.0), python3-msal (1.32.3),
//             python3-msal-extensions (1.3.1) and python3-typing-extensions (azure-core 1.35 declares >= 4.6; Debian
//             12 has 4.4), fetched with `apt-get download` from a trixie source list with private apt state, unpacked
//             with `dpkg -x`, never installed. They are laid out as a virtual environment on /usr/bin/python3 (3.11)
//             with the system site-packages visible, as a developer's venv would be.
//   debiansid the same for Debian sid's python3-azure 20260602 (azure-identity 1.26.0b3, azure-core 1.41,
//             azure-identity-broker 1.4.0b1 inside azure/identity/broker), python3-msal 1.39, python3-msal-extensions
//             and python3-typing-extensions, from a private sid source list. Its broker package imports without
//             pymsalruntime (which Debian does not package): the native runtime is only imported when a broker
//             token is requested, so azure-identity sees the broker as installed and asks it (MSAL then fails with
//             "You must install dependency by: pip install "msal[broker]…"").
//   debiansidNoBroker  the same venv without azure.identity.broker and its metadata: azure-identity 1.26.0b3 as pip
//             installs it without azure-identity-broker (the VS Code source then says it needs that package).
//
// Why a venv rather than PYTHONPATH: a venv's site-packages come before /usr/lib/python3/dist-packages, it sets no
// environment variable that az/azd/pwsh (children of the Python process) would inherit, and `python` alone (no
// extra env) names the interpreter, exactly as the CLI's --python and the extension's interpreter setting do.
// The venv's own empty azure/__init__.py makes `azure` a regular package there, so Debian 12's azure namespace
// (a pkgutil-style package in dist-packages) cannot slip its azure.identity 1.13.0b2 in front of a newer one.
//
// Debian 13's Python is 3.13 and sid's newer; these packages are pure Python and import and run on 3.11 (checked
// after unpacking). Everything lands in the test cache folder (cacheRoot()), one entry per Debian release (named by
// its suite and LAYOUT), so later runs cost nothing and work offline (inside the loopback-only namespace). sid moves:
// when it no longer offers the versions below, its current ones are taken with a warning, and the agreement tests,
// whose expectations were observed with azure-identity 1.26.0b3, say so instead of comparing against another version.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { cacheRoot, installOnce } from './toolchain.mjs';

const SYSTEM_PYTHON = '/usr/bin/python3';
const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
/**
 * The Debian releases whose python3-azure we fetch: the source line, and the package versions the shared notes were
 * written against (if the release has moved on we take its candidate and say so). Each release is its own cache
 * entry, so adding one never invalidates another.
 */
const RELEASES = {
  debian13: {
    suite: 'trixie',
    label: 'Debian 13',
    packages: {
      'python3-azure': '20250603+git-1',
      'python3-msal': '1.32.3-1',
      'python3-msal-extensions': '1.3.1-1',
      'python3-typing-extensions': '4.13.2-1',
    },
  },
  debiansid: {
    suite: 'sid',
    label: 'Debian sid',
    packages: {
      'python3-azure': '20260602+git-1',
      'python3-msal': '1.39.0-1',
      'python3-msal-extensions': '1.3.1-1',
      'python3-typing-extensions': '4.16.0-5',
    },
  },
};
const EXPECTED = { debian12: '1.13.0b2', debian13: '1.23.1', debiansid: '1.26.0b3', debiansidNoBroker: '1.26.0b3' };
/** Bump to rebuild the cached venv when the layout below changes. */
const LAYOUT = 'v1';

function log(message) {
  console.log(`[python-envs] ${message}`);
}

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10 * 60_000, ...options });
  if (r.status !== 0) {
    const detail = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim().split('\n').slice(-5).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal ?? r.error?.message}): ${detail}`);
  }
  return r.stdout;
}

/** What an interpreter reports about azure-identity, read the way the product reads it (importlib.metadata). */
function probe(python, extraEnv = {}) {
  const script = [
    'import json, sys, platform',
    'from importlib import metadata',
    'def v(n):',
    '    try: return metadata.version(n)',
    '    except Exception: return None',
    'ok = True',
    'try:',
    '    from azure.identity import DefaultAzureCredential',
    '    import azure.identity as ai',
    '    where = ai.__file__',
    'except Exception as ex:',
    '    ok = False; where = "%s: %s" % (type(ex).__name__, ex)',
    'print(json.dumps({"python": platform.python_version(), "identity": v("azure-identity"), "core": v("azure-core"),',
    '    "msal": v("msal"), "extensions": v("msal-extensions"), "imports": ok, "where": where}))',
  ].join('\n');
  const r = spawnSync(python, ['-c', script], { encoding: 'utf8', timeout: 60_000, cwd: '/', env: { PATH: '/usr/bin:/bin', HOME: '/nonexistent', ...extraEnv } });
  if (r.status !== 0) return { problem: `${python} could not be run: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}` };
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop());
  } catch {
    return { problem: `${python} printed no report` };
  }
}

function aptOptions(root) {
  return [
    '-o', `Dir::Etc::SourceList=${join(root, 'etc', 'sources.list')}`,
    '-o', `Dir::Etc::SourceParts=${join(root, 'etc', 'sources.list.d')}`,
    // No apt.conf.d snippets: the machine's hooks (PackageKit, AppStream refresh) must not run for a private update.
    '-o', `Dir::Etc::Parts=${join(root, 'etc', 'apt.conf.d')}`,
    '-o', `Dir::Etc::Preferences=${join(root, 'etc', 'preferences')}`,
    '-o', `Dir::Etc::PreferencesParts=${join(root, 'etc', 'preferences.d')}`,
    '-o', `Dir::State=${join(root, 'state')}`,
    '-o', `Dir::State::status=${join(root, 'state', 'status')}`,
    '-o', `Dir::Cache=${join(root, 'cache')}`,
    '-o', 'Dir::Cache::pkgcache=', '-o', 'Dir::Cache::srcpkgcache=',
    '-o', 'APT::Architecture=amd64',
    '-o', 'Acquire::Languages=none',
    // apt drops to the _apt user for downloads, which cannot write into root's private folders.
    '-o', 'APT::Sandbox::User=root',
  ];
}

/**
 * The Debian archive this machine's own apt is set up with (its deb822 `.sources` files or one-line `.list` files),
 * so the private source lists follow the machine's mirror instead of naming one: the first `deb` entry for a
 * Debian release (not its security archive) and its keyring.
 */
export function machineDebianArchive(files = aptSourceFiles()) {
  const releases = /^(buster|bullseye|bookworm|trixie|forky|sid|unstable|testing|stable|oldstable)(-updates|-backports)?$/;
  for (const { path, text } of files) {
    const entries = path.endsWith('.sources') ? deb822Entries(text) : oneLineEntries(text);
    for (const entry of entries) {
      if (!entry.types.includes('deb') || !entry.suites.some((suite) => releases.test(suite))) continue;
      const uri = entry.uris.find((u) => /^https?:\/\//.test(u));
      if (uri) return { uri: uri.replace(/\/+$/, ''), keyring: entry.signedBy && existsSync(entry.signedBy) ? entry.signedBy : KEYRING };
    }
  }
  throw new Error('no Debian archive found in /etc/apt/sources.list or /etc/apt/sources.list.d (a `deb` entry for a Debian release)');
}

function aptSourceFiles() {
  const files = [];
  const add = (path) => {
    try { files.push({ path, text: readFileSync(path, 'utf8') }); } catch { /* absent or unreadable */ }
  };
  add('/etc/apt/sources.list');
  const dir = '/etc/apt/sources.list.d';
  if (existsSync(dir)) for (const name of readdirSync(dir).sort()) if (/\.(list|sources)$/.test(name)) add(join(dir, name));
  return files;
}

/** deb822 stanzas (`Types:`, `URIs:`, `Suites:`, `Signed-By:`), separated by blank lines; `Enabled: no` skipped. */
function deb822Entries(text) {
  const entries = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = {};
    for (const line of stanza.split('\n')) {
      const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (m && !line.startsWith('#')) fields[m[1].toLowerCase()] = m[2].trim();
    }
    if (!fields.types || (fields.enabled ?? 'yes').toLowerCase() === 'no') continue;
    const words = (name) => (fields[name] ?? '').split(/\s+/).filter(Boolean);
    entries.push({ types: words('types'), uris: words('uris'), suites: words('suites'), signedBy: fields['signed-by'] });
  }
  return entries;
}

/** `deb [options] URI SUITE COMPONENT…` lines. */
function oneLineEntries(text) {
  const entries = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    const m = /^(deb|deb-src)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)/.exec(line);
    if (!m) continue;
    const signedBy = (/(?:^|\s)signed-by=(\S+)/.exec(m[2] ?? '') ?? [])[1];
    entries.push({ types: [m[1]], uris: [m[3]], suites: [m[4]], signedBy });
  }
  return entries;
}

function sourceLine(suite) {
  const { uri, keyring } = machineDebianArchive();
  return `deb [signed-by=${keyring}] ${uri} ${suite} main`;
}

/** Downloads a release's .debs into `<staging>/debs` with apt state that lives and dies in `<staging>/apt`. */
function downloadDebs(staging, release) {
  const { suite, packages } = release;
  const aptRoot = join(staging, 'apt');
  for (const d of ['etc/sources.list.d', 'etc/apt.conf.d', 'etc/preferences.d', 'state/lists/partial', 'cache/archives/partial']) {
    mkdirSync(join(aptRoot, d), { recursive: true });
  }
  writeFileSync(join(aptRoot, 'etc', 'sources.list'), `${sourceLine(suite)}\n`);
  writeFileSync(join(aptRoot, 'state', 'status'), '');
  const opts = aptOptions(aptRoot);
  log(`apt-get update with a private ${suite} source list`);
  run('apt-get', [...opts, 'update']);
  const debs = join(staging, 'debs');
  mkdirSync(debs, { recursive: true });
  const versions = {};
  for (const [pkg, wanted] of Object.entries(packages)) {
    const policy = run('apt-cache', [...opts, 'policy', pkg]);
    const candidate = (policy.match(/Candidate:\s*(\S+)/) ?? [])[1];
    if (!candidate || candidate === '(none)') throw new Error(`${suite} has no ${pkg}`);
    const available = policy.includes(` ${wanted} `);
    const version = available ? wanted : candidate;
    if (!available) log(`WARNING: ${suite} no longer offers ${pkg} ${wanted}; using ${candidate}`);
    run('apt-get', [...opts, 'download', `${pkg}=${version}`], { cwd: debs });
    versions[pkg] = version;
  }
  rmSync(aptRoot, { recursive: true, force: true });
  return { debs, versions };
}

/** The venv: bin/python -> /usr/bin/python3, and only the packages azure-identity needs in its site-packages. */
function buildVenv(staging, debs) {
  const unpacked = join(staging, 'unpacked');
  mkdirSync(unpacked, { recursive: true });
  for (const deb of readdirSync(debs).filter((f) => f.endsWith('.deb'))) run('dpkg', ['-x', join(debs, deb), unpacked]);
  const dist = join(unpacked, 'usr', 'lib', 'python3', 'dist-packages');
  const pyVersion = run(SYSTEM_PYTHON, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])']).trim();
  const fullVersion = run(SYSTEM_PYTHON, ['-c', 'import platform; print(platform.python_version())']).trim();
  const venv = join(staging, 'venv');
  const site = join(venv, 'lib', `python${pyVersion}`, 'site-packages');
  mkdirSync(join(venv, 'bin'), { recursive: true });
  mkdirSync(join(site, 'azure'), { recursive: true });
  symlinkSync(SYSTEM_PYTHON, join(venv, 'bin', 'python'));
  symlinkSync('python', join(venv, 'bin', 'python3'));
  writeFileSync(join(venv, 'pyvenv.cfg'), `home = /usr/bin\ninclude-system-site-packages = true\nversion = ${fullVersion}\n`);
  // python3-azure carries the whole SDK (~575 MB unpacked); azure-identity needs only azure.core from it. The broker
  // package (azure.identity.broker, with its azure_identity_broker metadata) comes along inside azure/identity, as
  // Debian ships it.
  writeFileSync(join(site, 'azure', '__init__.py'), '');
  cpSync(join(dist, 'azure', 'identity'), join(site, 'azure', 'identity'), { recursive: true });
  cpSync(join(dist, 'azure', 'core'), join(site, 'azure', 'core'), { recursive: true });
  const keep = /^(azure_identity|azure_identity_broker|azure_core|msal|msal_extensions|typing_extensions)([-.].*)?$/;
  for (const entry of readdirSync(dist)) {
    if (entry === 'azure' || !keep.test(entry)) continue;
    cpSync(join(dist, entry), join(site, entry), { recursive: true });
  }
  rmSync(unpacked, { recursive: true, force: true });
  return join(venv, 'bin', 'python');
}

/** The cache entry of a release; trixie keeps the name it had before sid was added, so existing caches stay valid. */
function cacheName(release) {
  return `python-azure-identity-${release.suite}-${LAYOUT}`;
}

function ensureRelease(key) {
  const release = RELEASES[key];
  const dir = installOnce(cacheName(release), (staging) => {
    log(`fetching ${release.label} python3-azure (azure-identity ${EXPECTED[key]}) into the test cache (once)`);
    const { debs, versions } = downloadDebs(staging, release);
    const python = buildVenv(staging, debs);
    writeFileSync(join(staging, 'versions.json'), `${JSON.stringify(versions, null, 2)}\n`);
    rmSync(debs, { recursive: true, force: true });
    const report = probe(python);
    if (!report.imports) throw new Error(`the ${release.label} azure-identity does not import with ${SYSTEM_PYTHON}: ${report.where ?? report.problem}`);
  });
  return join(dir, 'venv', 'bin', 'python');
}

/** A copy of a release's venv without the broker package (a cache entry of its own, built from the release's). */
function ensureWithoutBroker(key) {
  const source = join(cacheRoot(), cacheName(RELEASES[key]), 'venv');
  const dir = installOnce(`python-azure-identity-${RELEASES[key].suite}-nobroker-${LAYOUT}`, (staging) => {
    const broker = /\/azure\/identity\/broker$|\/azure_identity_broker-[^/]*$/;
    cpSync(source, join(staging, 'venv'), { recursive: true, verbatimSymlinks: true, filter: (path) => !broker.test(path) });
    const report = probe(join(staging, 'venv', 'bin', 'python'));
    if (!report.imports) throw new Error(`azure-identity without the broker package does not import: ${report.where ?? report.problem}`);
  });
  return join(dir, 'venv', 'bin', 'python');
}

let memo;

/**
 * `{ debian12, debian13, debiansid, debiansidNoBroker }`, each `{python, env}` with `azureIdentityVersion` and, when it cannot be
 * used, `problem` (the caller decides whether that skips or fails). Never throws: `npm test` calls this in its
 * prepare phase and a missing interpreter must not stop the unit suite.
 */
export async function ensurePythonAzureIdentityEnvs() {
  if (memo) return memo;
  const result = {};
  const debian12 = probe(SYSTEM_PYTHON);
  result.debian12 = {
    python: SYSTEM_PYTHON,
    env: {},
    azureIdentityVersion: debian12.identity ?? null,
    problem: debian12.problem
      ?? (debian12.imports ? undefined : `Debian 12's python3-azure is not importable with ${SYSTEM_PYTHON} (apt-get install python3-azure python3-msal): ${debian12.where}`),
  };
  for (const key of Object.keys(RELEASES)) {
    const { label } = RELEASES[key];
    try {
      const python = ensureRelease(key);
      const report = probe(python);
      result[key] = {
        python,
        env: {},
        azureIdentityVersion: report.identity ?? null,
        problem: report.problem ?? (report.imports ? undefined : `the ${label} azure-identity does not import: ${report.where}`),
      };
    } catch (error) {
      result[key] = { python: '', env: {}, azureIdentityVersion: null, problem: `${label}'s python3-azure is not available: ${error.message}` };
    }
  }
  if (result.debiansid.problem) {
    result.debiansidNoBroker = { ...result.debiansid };
  } else {
    try {
      const python = ensureWithoutBroker('debiansid');
      const report = probe(python);
      result.debiansidNoBroker = {
        python, env: {}, azureIdentityVersion: report.identity ?? null,
        problem: report.problem ?? (report.imports ? undefined : `azure-identity without the broker package does not import: ${report.where}`),
      };
    } catch (error) {
      result.debiansidNoBroker = { python: '', env: {}, azureIdentityVersion: null, problem: `the venv without the broker package could not be built: ${error.message}` };
    }
  }
  for (const [key, value] of Object.entries(result)) {
    if (value.problem) log(`WARNING: ${key}: ${value.problem}`);
    else {
      if (value.azureIdentityVersion !== EXPECTED[key]) log(`WARNING: ${key} has azure-identity ${value.azureIdentityVersion}, expected ${EXPECTED[key]}`);
      log(`${key}: azure-identity ${value.azureIdentityVersion} via ${value.python}`);
    }
  }
  memo = result;
  return result;
}

// `node test/harness/python-envs.mjs` prepares them all and prints them. (No top-level await: TypeScript tests load
// this file through tsx as CommonJS.)
if (import.meta.url === `file://${process.argv[1]}`) {
  ensurePythonAzureIdentityEnvs().then((envs) => {
    console.log(JSON.stringify(envs, null, 2));
    for (const release of Object.values(RELEASES)) {
      const versions = join(cacheRoot(), cacheName(release), 'versions.json');
      if (existsSync(versions)) console.log(`${release.label}: ${readFileSync(versions, 'utf8')}`);
    }
  }, (error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
