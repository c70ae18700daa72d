// A parse worker (see parsePool.ts): parses one file's text per message with the Python grammar and answers with
// what it builds, as plain data. The grammar loads once per worker, on the first message.
import { parentPort } from 'node:worker_threads';
import { factsOfText } from './credentialIndex';
import type { ParseAnswer, ParseRequest } from './parsePool';

const port = parentPort;
if (!port) throw new Error('parseWorker.js runs as a worker thread');

port.on('message', (request: ParseRequest) => {
  if (typeof request?.id !== 'number' || typeof request.text !== 'string') return;
  void factsOfText(request.text, request.wasmDir).then(
    (facts): ParseAnswer => ({ id: request.id, facts }),
    (error: unknown): ParseAnswer => ({ id: request.id, error: error instanceof Error ? error.message : String(error) }),
  ).then((answer) => port.postMessage(answer));
});
