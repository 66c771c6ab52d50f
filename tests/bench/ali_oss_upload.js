// One ali-oss multipartUpload, for ossmp-cli-bench: the official Node.js SDK uploading FILE
// to KEY with the given part size and parallelism. Configuration comes from the
// environment (never the command line, which would show the secret in ps):
//   EMU_URL EMU_BUCKET EMU_REGION EMU_AK EMU_SK KEY FILE PART_SIZE PARALLEL
// Prints "ok <seconds>" on success; exits 1 with the error otherwise.
'use strict';
const OSS = require('ali-oss');

async function main() {
  const e = process.env;
  const client = new OSS({
    endpoint: e.EMU_URL,
    region: `oss-${e.EMU_REGION}`,
    bucket: e.EMU_BUCKET,
    accessKeyId: e.EMU_AK,
    accessKeySecret: e.EMU_SK,
    secure: false,
    timeout: 600000
  });
  const t0 = process.hrtime.bigint();
  const res = await client.multipartUpload(e.KEY, e.FILE, {
    partSize: Number(e.PART_SIZE),
    parallel: Number(e.PARALLEL)
  });
  if (res.res.status !== 200) throw new Error(`status ${res.res.status}`);
  console.log(`ok ${Number(process.hrtime.bigint() - t0) / 1e9}`);
}

main().catch(err => {
  console.error(err && err.message ? err.message : String(err));
  process.exit(1);
});
