// `npm run bench` dispatcher: `npm run bench` (or `-- chain`) times the chain engine against Python;
// `npm run bench -- access` counts the requests of `roles` next to the real az per tenant shape (`-- access-requests`:
// only that), then times the Access view's load on a large tenant; `npm run bench -- signin` times how soon the
// Sign In page shows a sign-in made outside VS Code; `-- activation` the activation time in a real VS Code and the size of
// each bundle; `-- code` times reading a workspace's credential constructions. Benchmarks print numbers, never assert.
const which = process.argv.slice(2).find((a) => !a.startsWith('-') && !/^\d+$/.test(a)) ?? 'chain';
if (which === 'access' || which === 'access-requests') void import('./access-bench');
else if (which === 'access-scale') void import('./access-scale').then((m) => m.printScale(Number(process.argv[process.argv.indexOf('--runs') + 1]) || 3));
else if (which === 'activation') void import('./activation-bench');
else if (which === 'chain') void import('./chain-bench');
else if (which === 'signin') void import('./signin-bench');
else if (which === 'code') void import('./code-bench');
else {
  console.error(`unknown benchmark "${which}": use chain, access, access-requests, access-scale, activation, signin or code`);
  process.exitCode = 2;
}
export {};
