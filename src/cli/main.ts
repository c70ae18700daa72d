// Placeholder CLI entry; replaced by the chain engine's CLI.
process.stdout.write('azure-dev-auth: no commands yet\n');
process.exitCode = 2;
