// Reads a request body up to a size limit, so a huge upload is refused before it is buffered.
// Event listeners rather than `for await`: the async iterator cost several promises per request.
import type { IncomingMessage } from 'node:http';
import { RequestBodyError } from '../errors/RequestBodyError';

export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;


export function readRequestBody(request: IncomingMessage, limit = MAX_REQUEST_BODY_BYTES): Promise<string> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(RequestBodyError.tooLarge(limit));
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stopListening = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
    };
    const fail = (error: Error) => {
      stopListening();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // As leaving a `for await` early would: the rest of the upload is not read.
        request.destroy();
        fail(RequestBodyError.tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stopListening();
      resolve(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (error: Error) => fail(error);
    const onClose = () => fail(RequestBodyError.incomplete());
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onClose);
  });
}
