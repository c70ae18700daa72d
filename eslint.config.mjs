// ESLint for the whole repository: `npm run lint`, and the first step of `npm test`.
// Syntax-only typescript-eslint rules (no type information), so a run takes seconds; tsc does the type checking.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const VSCODE = {
  name: 'vscode',
  message: 'Only src/extension may import the VS Code API; keep this code runnable outside VS Code.',
};

// Node's built-in modules by their bare names (`fs`, `fs/promises`, …) and with the `node:` scheme.
const nodeBuiltins = builtinModules.filter((name) => !name.startsWith('_'));
const NODE_BUILTINS_MESSAGE = 'Webview code runs in a browser: Node built-in modules are not there.';

/** Also catches what no-restricted-imports does not see: `import('x')` and `require('x')`. */
function restrictedLoads(pattern, message) {
  return [
    { selector: `ImportExpression[source.value=${pattern}]`, message },
    { selector: `CallExpression[callee.name='require'][arguments.0.value=${pattern}]`, message },
  ];
}

const escapeForRegex = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const nodeBuiltinPattern = `/^(node:.*|${nodeBuiltins.map(escapeForRegex).join('|')})$/`;

export default defineConfig(
  globalIgnores(['dist/', 'dist-vsix/', '.test-output/', 'test/fixtures/']),

  js.configs.recommended,
  tseslint.configs.recommended,

  {
    name: 'azure-dev-auth/all',
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', {
        args: 'after-used',
        argsIgnorePattern: '^_',
        varsIgnorePattern: '^_',
        caughtErrorsIgnorePattern: '^_',
        destructuredArrayIgnorePattern: '^_',
        ignoreRestSiblings: true,
      }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-var': 'error',
      'prefer-const': 'error',
    },
  },

  {
    name: 'azure-dev-auth/node-scripts',
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    languageOptions: { globals: { ...globals.node } },
  },

  {
    name: 'azure-dev-auth/no-vscode-outside-extension',
    files: ['src/core/**', 'src/cli/**', 'src/sandbox/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [VSCODE] }],
      'no-restricted-syntax': ['error', ...restrictedLoads("'vscode'", VSCODE.message)],
    },
  },

  {
    name: 'azure-dev-auth/webview-is-browser-code',
    files: ['src/webview/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [VSCODE, ...nodeBuiltins.map((name) => ({ name, message: NODE_BUILTINS_MESSAGE }))],
        patterns: [{ group: ['node:*'], message: NODE_BUILTINS_MESSAGE }],
      }],
      'no-restricted-syntax': ['error',
        ...restrictedLoads("'vscode'", VSCODE.message),
        ...restrictedLoads(nodeBuiltinPattern, NODE_BUILTINS_MESSAGE),
      ],
    },
  },
);
