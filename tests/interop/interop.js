// Interoperability: the official Alibaba Cloud OSS Node.js SDK (ali-oss, pinned in
// package.json) against the ossmp emulator. Started by run.sh with the emulator's URL and
// credentials in the environment; exits non-zero on the first failure.
//
// For each signature version (V1, and V4 with authorizationV4: true) it runs:
//   * multipartUpload of a ~3.3 MB file with 256 KiB parts, 4 in parallel, and reads the
//     object back (SHA-256 of what was read must equal the file's);
//   * initMultipartUpload + uploadPart, listParts, listUploads, abortMultipartUpload, and
//     checks the aborted upload is gone (404 NoSuchUpload);
//   * a resumed multipartUpload: the emulator fails a deterministic share of UploadPart
//     requests, the upload stops, faults are switched off, the SDK resumes from its
//     checkpoint, and the emulator's per-part counters prove only missing parts were re-sent.
//
// ali-oss's endpoint here is an IP, so it sends path "/key" with the Host header
// "<bucket>.oss-<region>.aliyuncs.com" (lib/common/utils/createRequest.js), i.e. virtual-hosted
// addressing the emulator accepts for its region.
//
// About ali-oss's V4 query ordering (lib/common/signUtils.js getCanonicalRequest): it builds
// the canonical query with qs.stringify(queries, {sort: (a, b) => a.localeCompare(b)}), i.e.
// it sorts the RAW parameter names by locale collation, then encodes them; OSS (and the
// library, query.hpp encode_query) sort the ENCODED names by byte order. The two orders
// differ only when names differ first at a case difference (byte order puts every upper-case
// letter before every lower-case one; collation compares letters case-insensitively first),
// at punctuation ('_' sorts after letters in bytes, before them in collation; '-' and '.'
// too relative to digits), or at characters that percent-encoding changes. Multipart requests
// never meet those cases: their parameter sets are {uploads}, {partNumber, uploadId},
// {uploadId}, {encoding-type, max-parts, part-number-marker, uploadId} and {delimiter,
// encoding-type, key-marker, max-uploads, prefix, upload-id-marker, uploads}, plus the
// x-oss-* names of presigned URLs, and every pair of them first differs at two lower-case
// letters, at 'I' against 's' (uploadId, uploads) or at '-' against a letter
// (upload-id-marker, uploads), where both orders agree. So localeCompare never changes a
// multipart request's canonical query. checkLocaleOrder() below proves it for every
// multipart parameter set with ali-oss's own function, and shows a pair where the orders
// differ (a_b/a-b, Zeta/alpha).
//
// A related ali-oss V4 quirk that does bite: it serializes a parameter given an empty
// string as "name=" (qs strictNullHandling keeps '=' for '' and drops it only for null),
// while OSS's canonical query omits '=' for empty values. listUploads({prefix: ''}) with
// authorizationV4 is therefore SignatureDoesNotMatch, on the emulator as the V4 rules say it
// is on OSS; emptyValueQuirk() checks that (V1 signs no listing parameter and is unaffected).
'use strict';

const OSS = require('ali-oss');
const signUtils = require('ali-oss/lib/common/signUtils');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');

const endpoint = process.env.EMU_URL;
const bucket = process.env.EMU_BUCKET;
const region = process.env.EMU_REGION;
const accessKeyId = process.env.EMU_AK;
const accessKeySecret = process.env.EMU_SK;

function fail(msg) {
  throw new Error(msg);
}

// ali-oss hands back a single list entry as an object rather than a one-element array.
function list(x) {
  return Array.isArray(x) ? x : x ? [x] : [];
}

function sha256(buf) {
  return crypto.createHash('sha256').update(buf).digest('hex');
}

function control(method, p) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${endpoint}/_emulator/${p}`, { method, headers: { 'X-Ossmp-Emulator-Token': process.env.EMU_TOKEN } }, res => {
      let body = '';
      res.on('data', d => (body += d));
      res.on('end', () => (res.statusCode < 300 ? resolve(body ? JSON.parse(body) : {}) : reject(new Error(body))));
    });
    req.on('error', reject);
    req.end();
  });
}

function client(v4) {
  return new OSS({
    endpoint,
    region: `oss-${region}`,
    bucket,
    accessKeyId,
    accessKeySecret,
    authorizationV4: v4,
    secure: false,
    timeout: 120000
  });
}

// The canonical query ali-oss signs, against byte order of the encoded names.
function checkLocaleOrder() {
  // RFC 3986 encoding, as OSS and the library's percent_encode define it.
  const enc = s => encodeURIComponent(s).replace(/[!'()*]/g, ch => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  const byteOrder = queries =>
    Object.keys(queries)
      .map(k => [enc(k), queries[k]])
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([k, v]) => (v === null ? k : `${k}=${enc(v)}`))
      .join('&');
  const aliOss = queries =>
    signUtils.getCanonicalRequest('GET', { headers: {}, queries }, 'b', 'k', []).split('\n')[2];
  const sets = {
    InitiateMultipartUpload: { uploads: null, 'encoding-type': 'url', sequential: null },
    UploadPart: { partNumber: '3', uploadId: 'ID' },
    CompleteMultipartUpload: { uploadId: 'ID', 'encoding-type': 'url' },
    AbortMultipartUpload: { uploadId: 'ID' },
    ListParts: { uploadId: 'ID', 'max-parts': '1000', 'part-number-marker': '2', 'encoding-type': 'url' },
    ListMultipartUploads: {
      uploads: null,
      delimiter: '/',
      'encoding-type': 'url',
      'key-marker': 'k',
      'max-uploads': '1000',
      prefix: 'p',
      'upload-id-marker': 'U'
    },
    PresignedUploadPart: {
      partNumber: '1',
      uploadId: 'ID',
      'x-oss-security-token': 't',
      'x-oss-signature-version': 'OSS4-HMAC-SHA256',
      'x-oss-date': '20240101T000000Z',
      'x-oss-expires': '60',
      'x-oss-credential': 'ak/20240101/cn-hangzhou/oss/aliyun_v4_request',
      'x-oss-additional-headers': 'host'
    }
  };
  for (const [op, q] of Object.entries(sets)) {
    if (aliOss(q) !== byteOrder(q)) fail(`localeCompare changed the canonical query of ${op}: ${aliOss(q)}`);
  }
  // Names outside multipart can differ: byte order puts 'Z' before 'a' and '-' before '_'.
  const other = { a_b: '1', 'a-b': '2', Zeta: '3', alpha: '4' };
  const differs = aliOss(other) !== byteOrder(other);
  console.log(`localeCompare: multipart canonical queries identical to byte order; non-multipart example differs: ${differs}`);
  console.log(`  ali-oss: ${aliOss(other)}`);
  console.log(`  bytes:   ${byteOrder(other)}`);
  if (!differs) fail('expected the non-multipart example to show a collation difference');
}

async function emptyValueQuirk(c, label, v4) {
  try {
    await c.listUploads({ prefix: '' });
    if (v4) fail(`${label}: an empty-valued parameter was accepted under V4`);
  } catch (e) {
    if (!v4 || e.code !== 'SignatureDoesNotMatch') throw e;
  }
  console.log(`${label}: listUploads({prefix: ''}) ${v4 ? 'is SignatureDoesNotMatch (ali-oss signs "prefix=")' : 'works'}`);
}

async function multipartRoundTrip(c, label, file, digest) {
  const name = `interop/${label}/multipart object ü+%.bin`;
  const res = await c.multipartUpload(name, file, { parallel: 4, partSize: 256 * 1024, meta: { origin: 'ali-oss' } });
  if (res.res.status !== 200) fail(`${label}: multipartUpload status ${res.res.status}`);
  const head = await c.head(name);
  const etag = head.res.headers.etag;
  const parts = Math.ceil(fs.statSync(file).size / (256 * 1024));
  if (!new RegExp(`^"[0-9A-F]{32}-${parts}"$`).test(etag)) fail(`${label}: unexpected multipart ETag ${etag}`);
  if (head.meta.origin !== 'ali-oss') fail(`${label}: metadata not kept: ${JSON.stringify(head.meta)}`);
  const got = await c.get(name);
  const back = sha256(got.content);
  if (back !== digest) fail(`${label}: object read back differs (sha256 ${back} != ${digest})`);
  console.log(`${label}: multipartUpload ${parts} parts, parallel 4, read back identical (sha256 ${back.slice(0, 16)}...)`);
}

async function listAndAbort(c, label, file) {
  const name = `interop/${label}/listed key`;
  const init = await c.initMultipartUpload(name);
  const { uploadId } = init;
  if (!/^[0-9A-F]{32}$/.test(uploadId)) fail(`${label}: odd upload id ${uploadId}`);
  await c.uploadPart(name, uploadId, 1, file, 0, 200 * 1024);
  await c.uploadPart(name, uploadId, 2, file, 200 * 1024, 300 * 1024);
  const lp = await c.listParts(name, uploadId, { 'max-parts': 1 });
  if (list(lp.parts).length !== 1 || String(lp.isTruncated) !== 'true' || Number(lp.nextPartNumberMarker) !== 1)
    fail(`${label}: listParts page 1 ${JSON.stringify([lp.parts, lp.isTruncated, lp.nextPartNumberMarker])}`);
  const lp2 = await c.listParts(name, uploadId, { 'max-parts': 1, 'part-number-marker': lp.nextPartNumberMarker });
  if (list(lp2.parts).length !== 1 || Number(list(lp2.parts)[0].PartNumber) !== 2 || Number(list(lp2.parts)[0].Size) !== 100 * 1024)
    fail(`${label}: listParts page 2 ${JSON.stringify(lp2.parts)}`);
  const lu = await c.listUploads({ prefix: `interop/${label}/`, 'max-uploads': 10 });
  if (!list(lu.uploads).some(u => u.uploadId === uploadId && u.name === name))
    fail(`${label}: listUploads lacks ${uploadId}: ${JSON.stringify(lu.uploads)}`);
  await c.abortMultipartUpload(name, uploadId);
  const after = await c.listUploads({ prefix: `interop/${label}/` });
  if (list(after.uploads).some(u => u.uploadId === uploadId)) fail(`${label}: aborted upload still listed`);
  try {
    await c.listParts(name, uploadId);
    fail(`${label}: listParts after abort succeeded`);
  } catch (e) {
    if (e.code !== 'NoSuchUpload' || e.status !== 404) throw e;
  }
  console.log(`${label}: initMultipartUpload, uploadPart, listParts (paged), listUploads, abortMultipartUpload ok`);
}

async function resumed(c, label, file, digest) {
  const name = `interop/${label}/resumed`;
  let checkpoint = null;
  const progress = (p, cpt) => {
    if (cpt) checkpoint = cpt;
  };
  await control('POST', 'counters/reset');
  await control('PUT', 'faults?ops=UploadPart&error_rate=0.35&error_status=503&seed=11');
  let failed = false;
  try {
    await c.multipartUpload(name, file, { parallel: 4, partSize: 256 * 1024, progress });
  } catch (e) {
    failed = true;
    if (e.status !== 503 || e.code !== 'SlowDown') throw e;
  }
  await control('DELETE', 'faults');
  if (!failed || !checkpoint) fail(`${label}: the faulted upload did not fail (seed choice?)`);
  // ali-oss rejects at the first failed part while others are still in flight (they go on
  // adding to the checkpoint): let them land, as an application resuming later would.
  await new Promise(resolve => setTimeout(resolve, 1000));
  const doneBefore = checkpoint.doneParts.map(p => p.number);
  await c.multipartUpload(name, file, { parallel: 4, partSize: 256 * 1024, checkpoint, progress });
  const got = await c.get(name);
  if (sha256(got.content) !== digest) fail(`${label}: resumed object differs`);
  const counters = await control('GET', 'counters');
  const parts = counters.uploads[checkpoint.uploadId];
  for (const [n, pc] of Object.entries(parts)) {
    if (pc.stored !== 1) fail(`${label}: part ${n} stored ${pc.stored} times`);
    if (doneBefore.includes(Number(n)) && pc.attempts !== 1) fail(`${label}: done part ${n} was re-sent`);
  }
  const resent = Object.values(parts).filter(pc => pc.attempts > 1).length;
  console.log(
    `${label}: resumed upload: ${doneBefore.length} parts kept, ${resent} faulted parts re-sent once, read back identical`
  );
}

async function main() {
  checkLocaleOrder();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossmp-interop-'));
  const file = path.join(dir, 'data.bin');
  const data = crypto.randomBytes(3 * 1024 * 1024 + 333333);
  fs.writeFileSync(file, data);
  const digest = sha256(data);
  try {
    for (const [label, v4] of [
      ['V1', false],
      ['V4', true]
    ]) {
      const c = client(v4);
      await multipartRoundTrip(c, label, file, digest);
      await listAndAbort(c, label, file);
      await resumed(c, label, file, digest);
      await emptyValueQuirk(c, label, v4);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log('interop: ali-oss V1 and V4 passed');
}

main().catch(e => {
  console.error(`interop FAILED: ${e.stack || e}`);
  process.exit(1);
});
