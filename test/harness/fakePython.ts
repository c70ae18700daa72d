// A Python interpreter whose installed packages are made up: a virtual environment on the machine's real Python
// (/usr/bin/python3) that sees none of the system's packages, holding only the distributions a test names, each as
// a dist-info folder with its METADATA (name, version, Requires-Dist) and, for azure-identity, an importable empty
// azure.identity package. What Azure Dev Auth reads of an interpreter (importlib.metadata, find_spec) reads these
// exactly as it reads pip-installed packages, so a version nobody can install here (azure-identity 1.27.0) or an old
// track-1 library (azure-mgmt-resource 10.2.0, which pip would fetch from PyPI) can be shown to the product.
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SYSTEM_PYTHON = '/usr/bin/python3';

export interface FakeDistribution {
  readonly name: string;
  readonly version: string;
  readonly requires?: readonly string[];
}

/** Builds the venv under `root` and returns its interpreter's path. */
export function fakeInterpreter(root: string, distributions: readonly FakeDistribution[]): string {
  const pythonVersion = spawnSync(SYSTEM_PYTHON, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' }).stdout.trim();
  const bin = join(root, 'bin');
  const site = join(root, 'lib', `python${pythonVersion}`, 'site-packages');
  mkdirSync(bin, { recursive: true });
  mkdirSync(site, { recursive: true });
  symlinkSync(SYSTEM_PYTHON, join(bin, 'python'));
  writeFileSync(join(root, 'pyvenv.cfg'), 'home = /usr/bin\ninclude-system-site-packages = false\n');
  for (const dist of distributions) {
    const info = join(site, `${dist.name.replace(/-/g, '_')}-${dist.version}.dist-info`);
    mkdirSync(info);
    const requires = (dist.requires ?? []).map((r) => `Requires-Dist: ${r}\n`).join('');
    writeFileSync(join(info, 'METADATA'), `Metadata-Version: 2.1\nName: ${dist.name}\nVersion: ${dist.version}\n${requires}`);
    writeFileSync(join(info, 'RECORD'), '');
    if (dist.name === 'azure-identity') {
      mkdirSync(join(site, 'azure', 'identity'), { recursive: true });
      writeFileSync(join(site, 'azure', '__init__.py'), '');
      writeFileSync(join(site, 'azure', 'identity', '__init__.py'), '');
    }
  }
  return join(bin, 'python');
}
