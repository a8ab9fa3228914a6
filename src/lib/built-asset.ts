/** One built browser file in memory, with its precompressed forms. */
export type BuiltAsset = {
  path: string;
  contentType: string;
  immutable: boolean;
  body: Uint8Array;
  gzip: Uint8Array;
  brotli: Uint8Array;
  etag: string;
};
export type BuiltAssets = Map<string, BuiltAsset>;
export type ManifestFile = { path: string; file: string; contentType: string; immutable: boolean };

export function builtAsset(f: ManifestFile, body: Uint8Array, gzip: Uint8Array, brotli: Uint8Array): BuiltAsset {
  const etag = `"${new Bun.CryptoHasher("sha256").update(body).digest("hex").slice(0, 32)}"`;
  return { path: f.path, contentType: f.contentType, immutable: f.immutable, body, gzip, brotli, etag };
}
