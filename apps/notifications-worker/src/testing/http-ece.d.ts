/** http_ece (the encryption web-push uses) ships without types; the tests decrypt pushes with it as a browser would. */
declare module 'http_ece' {
  import type { ECDH } from 'node:crypto';
  const ece: {
    decrypt(buffer: Buffer, params: { version: 'aes128gcm'; privateKey: ECDH; authSecret: string }): Buffer;
  };
  export = ece;
}
