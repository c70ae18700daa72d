// Moves every user-visible string of package.json into package.nls.json and puts its %key% in its place, so the
// manifest can be translated (package.nls.<locale>.json). Run it after adding a command, view or setting:
//
//   node test/harness/manifest-nls.mjs          rewrite package.json and package.nls.json
//   node test/harness/manifest-nls.mjs --check  exit 1 when a user-visible string is not a %key% yet
//
// Keys say where the string is: command.<id>.title, view.<id>.name, config.<setting>.description, … . A string that
// is already a %key% is left alone; package.json keeps its two-space layout.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const PREFIX = 'azureDevAuth.';

/** Every user-visible string of the manifest: [key, the object holding it, the property (or index) it is at]. */
export function visibleStrings(manifest) {
  const found = [];
  const add = (key, holder, at) => { if (typeof holder?.[at] === 'string') found.push([key, holder, at]); };
  const short = (id) => (id.startsWith(PREFIX) ? id.slice(PREFIX.length) : id);
  add('displayName', manifest, 'displayName');
  add('description', manifest, 'description');
  const c = manifest.contributes ?? {};
  for (const containers of Object.values(c.viewsContainers ?? {})) for (const v of containers) add(`viewsContainer.${short(v.id)}.title`, v, 'title');
  for (const views of Object.values(c.views ?? {})) {
    for (const v of views) { add(`view.${short(v.id)}.name`, v, 'name'); add(`view.${short(v.id)}.contextualTitle`, v, 'contextualTitle'); }
  }
  const welcomes = new Map();
  for (const w of c.viewsWelcome ?? []) {
    const n = (welcomes.get(w.view) ?? 0) + 1;
    welcomes.set(w.view, n);
    add(`viewsWelcome.${short(w.view)}.${n}`, w, 'contents');
  }
  for (const command of c.commands ?? []) {
    add(`command.${short(command.command)}.title`, command, 'title');
    add(`command.${short(command.command)}.shortTitle`, command, 'shortTitle');
    add('command.category', command, 'category');
  }
  for (const [index, section] of [c.configuration ?? []].flat().entries()) {
    add(index === 0 ? 'config.title' : `config.${index}.title`, section, 'title');
    const walk = (properties, path) => {
      for (const [name, property] of Object.entries(properties ?? {})) {
        const key = `config.${short(path ? `${path}.${name}` : name)}`;
        for (const field of ['description', 'markdownDescription', 'deprecationMessage', 'markdownDeprecationMessage']) add(`${key}.${field}`, property, field);
        for (const field of ['enumDescriptions', 'markdownEnumDescriptions']) {
          (property[field] ?? []).forEach((_, i) => add(`${key}.${field}.${i}`, property[field], i));
        }
        if (property.properties) walk(property.properties, path ? `${path}.${name}` : name);
        if (property.items?.properties) walk(property.items.properties, `${path ? `${path}.${name}` : name}.items`);
        if (property.additionalProperties?.properties) walk(property.additionalProperties.properties, `${path ? `${path}.${name}` : name}.value`);
      }
    };
    walk(section.properties, '');
  }
  return found;
}

const isKey = (text) => /^%[^%\s]+%$/.test(text);

function main() {
  const check = process.argv.includes('--check');
  const manifestFile = join(repo, 'package.json');
  const nlsFile = join(repo, 'package.nls.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  let nls = {};
  try { nls = JSON.parse(readFileSync(nlsFile, 'utf8')); } catch { /* none yet */ }
  const missing = [];
  for (const [key, holder, at] of visibleStrings(manifest)) {
    const text = holder[at];
    if (isKey(text)) continue;
    missing.push(key);
    // One category for all commands: the same key, the same text.
    if (nls[key] !== undefined && nls[key] !== text) throw new Error(`${key}: two texts (${JSON.stringify(nls[key])}, ${JSON.stringify(text)})`);
    nls[key] = text;
    holder[at] = `%${key}%`;
  }
  if (check) {
    if (missing.length) { console.error(`Not in package.nls.json yet: ${missing.join(', ')}`); process.exit(1); }
    return;
  }
  writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(nlsFile, `${JSON.stringify(nls, null, 2)}\n`);
  console.log(`${missing.length} strings moved to package.nls.json (${Object.keys(nls).length} keys in all)`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
