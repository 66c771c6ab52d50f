#!/usr/bin/python3
"""Probes what the test server's s3api does for multipart uploads, signing and integrity,
printing one line per request: what was sent and what came back. FINDINGS.md was written
from its output. Run against a started server:

  dir=$(sh tests/s3/swift.sh start) && eval "$(sh tests/s3/swift.sh env "$dir")"
  /usr/bin/python3 tests/s3/probe_s3api.py; sh tests/s3/swift.sh stop "$dir"

It signs with its own small SigV4 code (so that every variant can be sent, including wrong
ones) and speaks HTTP with http.client, so nothing here hides what the server answered.
"""
import base64
import datetime
import hashlib
import hmac
import http.client
import os
import re
import sys
import urllib.parse
import zlib

ENDPOINT = urllib.parse.urlsplit(os.environ['AWS_ENDPOINT_URL'])
HOSTPORT = ENDPOINT.netloc
ACCESS = os.environ['AWS_ACCESS_KEY_ID']
SECRET = os.environ['AWS_SECRET_ACCESS_KEY']
REGION = os.environ.get('AWS_REGION', 'us-east-1')
VHOST_DOMAIN = os.environ.get('OSSMP_S3_BUCKET_HOST', 'localhost:%d' % ENDPOINT.port)
MIB = 1024 * 1024
EMPTY_SHA = hashlib.sha256(b'').hexdigest()


def uri_encode(s, slash=True):
    return urllib.parse.quote(s, safe='-_.~' + ('/' if not slash else ''))


def canonical_query(pairs):
    enc = sorted((uri_encode(k, True), uri_encode(v, True)) for k, v in pairs)
    return '&'.join('%s=%s' % kv for kv in enc)


def hmac256(key, msg):
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def signing_key(secret, day, region):
    k = hmac256(('AWS4' + secret).encode(), day)
    k = hmac256(k, region)
    k = hmac256(k, 's3')
    return hmac256(k, 'aws4_request')


def request(method, path, query=(), headers=None, body=b'', payload='real',
            region=REGION, access=ACCESS, secret=SECRET, token=None, host=HOSTPORT,
            when=None, presign=None, sign=True, unsigned=()):
    """Sends one request. payload: 'real' (the body's SHA-256), 'UNSIGNED-PAYLOAD',
    None (no x-amz-content-sha256 header) or any literal string to send as the hash.
    presign: seconds for a presigned URL (query auth) instead of header auth."""
    headers = dict(headers or {})
    headers['host'] = host
    now = when or datetime.datetime.utcnow()
    amz_date = now.strftime('%Y%m%dT%H%M%SZ')
    day = amz_date[:8]
    scope = '%s/%s/s3/aws4_request' % (day, region)
    query = list(query)
    if sign and presign is None:
        headers['x-amz-date'] = amz_date
        if token:
            headers['x-amz-security-token'] = token
        if payload == 'real':
            headers['x-amz-content-sha256'] = hashlib.sha256(body).hexdigest()
        elif payload is not None:
            headers['x-amz-content-sha256'] = payload
    names = sorted(k.lower() for k in headers if k.lower() not in unsigned)
    lower = {k.lower(): ' '.join(str(v).split()) for k, v in headers.items()}
    if sign and presign is not None:
        query += [('X-Amz-Algorithm', 'AWS4-HMAC-SHA256'),
                  ('X-Amz-Credential', '%s/%s' % (access, scope)),
                  ('X-Amz-Date', amz_date), ('X-Amz-Expires', str(presign)),
                  ('X-Amz-SignedHeaders', ';'.join(names))]
        if token:
            query.append(('X-Amz-Security-Token', token))
    if sign:
        hashed = 'UNSIGNED-PAYLOAD' if presign is not None else headers.get('x-amz-content-sha256', EMPTY_SHA)
        creq = '\n'.join([method, uri_encode(path, False), canonical_query(query),
                          ''.join('%s:%s\n' % (n, lower[n]) for n in names),
                          ';'.join(names), hashed])
        sts = '\n'.join(['AWS4-HMAC-SHA256', amz_date, scope,
                         hashlib.sha256(creq.encode()).hexdigest()])
        sig = hmac.new(signing_key(secret, day, region), sts.encode(), hashlib.sha256).hexdigest()
        if presign is not None:
            query.append(('X-Amz-Signature', sig))
        else:
            headers['authorization'] = (
                'AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s'
                % (access, scope, ';'.join(names), sig))
    url = uri_encode(path, False)
    if query:
        url += '?' + '&'.join(uri_encode(k, True) + ('=' + uri_encode(v, True) if v != '' or presign is not None else '')
                              for k, v in query)
    conn = http.client.HTTPConnection(ENDPOINT.hostname, ENDPOINT.port, timeout=60)
    conn.putrequest(method, url, skip_host=True, skip_accept_encoding=True)
    for k, v in headers.items():
        conn.putheader(k, v)
    if body or method in ('PUT', 'POST'):
        conn.putheader('content-length', str(len(body)))
    conn.endheaders(body)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data


def tag(xml, name):
    m = re.search(rb'<%s>(.*?)</%s>' % (name.encode(), name.encode()), xml, re.S)
    return m.group(1).decode() if m else None


def tags(xml, name):
    return [m.decode() for m in re.findall(rb'<%s>(.*?)</%s>' % (name.encode(), name.encode()), xml, re.S)]


def show(label, result, *header_names, extra=''):
    status, hdrs, body = result
    parts = ['%s: %d' % (label, status)]
    code = tag(body, 'Code')
    if code:
        parts.append('%s "%s"' % (code, tag(body, 'Message')))
    for h in header_names:
        if h in hdrs:
            parts.append('%s=%s' % (h, hdrs[h]))
    if extra:
        parts.append(extra)
    print('- ' + ' | '.join(parts))
    return result


def initiate(bucket, key, headers=None):
    status, hdrs, body = request('POST', '/%s/%s' % (bucket, key), [('uploads', '')], headers)
    assert status == 200, (status, body)
    return tag(body, 'UploadId')


def put_part(bucket, key, uid, n, data, **kw):
    return request('PUT', '/%s/%s' % (bucket, key),
                   [('partNumber', str(n)), ('uploadId', uid)], body=data, **kw)


def complete_body(parts):
    return ('<CompleteMultipartUpload>' + ''.join(
        '<Part><PartNumber>%d</PartNumber><ETag>%s</ETag></Part>' % p for p in parts)
        + '</CompleteMultipartUpload>').encode()


def complete(bucket, key, uid, parts, **kw):
    return request('POST', '/%s/%s' % (bucket, key), [('uploadId', uid)],
                   body=complete_body(parts), **kw)


def md5_b64(data):
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def crc32c(data):
    # Bitwise Castagnoli CRC (reflected polynomial 0x82F63B78), enough for a probe.
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def main():
    bucket = 'probe'
    print('## bucket and signing')
    show('PUT bucket (path style)', request('PUT', '/' + bucket))
    show('PUT bucket again', request('PUT', '/' + bucket))
    show('PUT bucket "ab" (2 chars)', request('PUT', '/ab'))
    small = b'hello s3api'
    show('PUT object, payload hash = SHA-256 of body', request('PUT', '/%s/o1' % bucket, body=small), 'etag')
    show('PUT object, UNSIGNED-PAYLOAD', request('PUT', '/%s/o2' % bucket, body=small, payload='UNSIGNED-PAYLOAD'), 'etag')
    show('PUT object, payload hash of other bytes', request('PUT', '/%s/o3' % bucket, body=small,
         payload=hashlib.sha256(b'other').hexdigest()))
    show('PUT object, payload hash uppercase hex', request('PUT', '/%s/o3u' % bucket, body=small,
         payload=hashlib.sha256(small).hexdigest().upper()))
    show('PUT object, no x-amz-content-sha256', request('PUT', '/%s/o4' % bucket, body=small, payload=None))
    show('PUT object, STREAMING-AWS4-HMAC-SHA256-PAYLOAD', request('PUT', '/%s/o5' % bucket, body=small,
         payload='STREAMING-AWS4-HMAC-SHA256-PAYLOAD', headers={'content-encoding': 'aws-chunked',
         'x-amz-decoded-content-length': str(len(small))}))
    show('GET object (empty-body hash)', request('GET', '/%s/o1' % bucket), 'etag', extra='body=%r' % request('GET', '/%s/o1' % bucket)[2])
    show('GET object, wrong secret', request('GET', '/%s/o1' % bucket, secret='wrong'))
    show('GET object, unknown access key', request('GET', '/%s/o1' % bucket, access='nobody:none'))
    show('GET object, scope region us-west-2', request('GET', '/%s/o1' % bucket, region='us-west-2'))
    show('GET object, scope region "auto"', request('GET', '/%s/o1' % bucket, region='auto'))
    show('GET object, x-amz-date 20 min old', request('GET', '/%s/o1' % bucket,
         when=datetime.datetime.utcnow() - datetime.timedelta(minutes=20)))
    show('GET object, x-amz-security-token (tempauth user)', request('GET', '/%s/o1' % bucket, token='FQoGZXIvYXdzEXAMPLETOKEN'))
    show('GET presigned (X-Amz-Expires=300)', request('GET', '/%s/o1' % bucket, presign=300))
    show('PUT presigned', request('PUT', '/%s/o6' % bucket, body=small, presign=300), 'etag')
    show('GET presigned, signed 20 min ago, expires 300', request('GET', '/%s/o1' % bucket, presign=300,
         when=datetime.datetime.utcnow() - datetime.timedelta(minutes=20)))
    show('GET presigned, signed 20 min ago, expires 3600', request('GET', '/%s/o1' % bucket, presign=3600,
         when=datetime.datetime.utcnow() - datetime.timedelta(minutes=20)))
    show('GET presigned, X-Amz-Expires=604801', request('GET', '/%s/o1' % bucket, presign=604801))
    show('GET presigned with X-Amz-Security-Token', request('GET', '/%s/o1' % bucket, presign=300, token='FQoGZXIvYXdzEXAMPLETOKEN'))
    show('GET presigned, wrong secret', request('GET', '/%s/o1' % bucket, presign=300, secret='wrong'))
    vhost = '%s.%s' % (bucket, VHOST_DOMAIN)
    show('GET virtual-hosted (Host: %s, path /o1)' % vhost, request('GET', '/o1', host=vhost), 'etag')
    show('GET virtual-hosted, unknown domain (Host: %s.example.test)' % bucket,
         request('GET', '/o1', host='%s.example.test:%d' % (bucket, ENDPOINT.port)))
    show('GET key with space and unicode', request('PUT', '/%s/a b/ü+~.txt' % bucket, body=small), 'etag')
    show('GET key with space and unicode, read', request('GET', '/%s/a b/ü+~.txt' % bucket), 'etag')
    st, h, b = show('GET anonymous', request('GET', '/%s/o1' % bucket, sign=False))
    print('  - body: %s' % b.decode().replace('\n', ''))
    show('GET object, host not signed', request('GET', '/%s/o1' % bucket, unsigned=('host',)))
    show('GET object, x-amz-content-sha256 not signed', request('GET', '/%s/o1' % bucket, unsigned=('x-amz-content-sha256',)))
    show('GET object, extra unsigned header x-amz-meta-a', request('GET', '/%s/o1' % bucket, headers={'x-amz-meta-a': '1'}, unsigned=('x-amz-meta-a',)))
    show('GET object after PUT with wrong payload hash (o3)', request('GET', '/%s/o3' % bucket))
    st, h, b = show('GET missing key', request('GET', '/%s/missing' % bucket), 'content-type', 'x-amz-request-id')
    print('  - body: %s' % b.decode().replace('\n', ''))
    for k in ('a%b=c&d', 'd/./e//f', 'x/../y', 'tab\tkey'):
        show('PUT key %r' % k, request('PUT', '/%s/%s' % (bucket, k), body=small), 'etag')
        show('GET key %r' % k, request('GET', '/%s/%s' % (bucket, k)), 'etag')
    show('PUT object, Content-MD5 right', request('PUT', '/%s/o7' % bucket, body=small, headers={'content-md5': md5_b64(small)}), 'etag')
    show('PUT object, Content-MD5 of other bytes', request('PUT', '/%s/o8' % bucket, body=small, headers={'content-md5': md5_b64(b'x')}))
    show('PUT object, Content-MD5 not base64', request('PUT', '/%s/o9' % bucket, body=small, headers={'content-md5': 'zz'}))

    print('\n## checksums (S3 flexible checksums)')
    crc = base64.b64encode(crc32c(small).to_bytes(4, 'big')).decode()
    show('PUT object, x-amz-checksum-crc32c right (%s)' % crc, request('PUT', '/%s/c1' % bucket, body=small,
         headers={'x-amz-checksum-crc32c': crc, 'x-amz-sdk-checksum-algorithm': 'CRC32C'}),
         'etag', 'x-amz-checksum-crc32c')
    show('PUT object, x-amz-checksum-crc32c wrong (AAAAAA==)', request('PUT', '/%s/c2' % bucket, body=small,
         headers={'x-amz-checksum-crc32c': 'AAAAAA==', 'x-amz-sdk-checksum-algorithm': 'CRC32C'}), 'etag', 'x-amz-checksum-crc32c')
    show('PUT object, x-amz-checksum-crc64nvme (AAAAAAAAAAA=)', request('PUT', '/%s/c3' % bucket, body=small,
         headers={'x-amz-checksum-crc64nvme': 'AAAAAAAAAAA='}), 'etag')
    show('PUT object, x-amz-checksum-crc32c not base64', request('PUT', '/%s/c4' % bucket, body=small,
         headers={'x-amz-checksum-crc32c': '!!'}))
    show('PUT object, x-amz-checksum-sha256 wrong', request('PUT', '/%s/c5' % bucket, body=small,
         headers={'x-amz-checksum-sha256': base64.b64encode(hashlib.sha256(b'x').digest()).decode()}), 'etag')
    show('PUT object, x-amz-sdk-checksum-algorithm: BOGUS', request('PUT', '/%s/c6' % bucket, body=small,
         headers={'x-amz-sdk-checksum-algorithm': 'BOGUS'}), 'etag')
    show('HEAD c1 with x-amz-checksum-mode: ENABLED', request('HEAD', '/%s/c1' % bucket, headers={'x-amz-checksum-mode': 'ENABLED'}),
         'etag', 'x-amz-checksum-crc32c')
    show('Initiate with x-amz-checksum-algorithm: BOGUS', request('POST', '/%s/cb' % bucket, [('uploads', '')],
         headers={'x-amz-checksum-algorithm': 'BOGUS'}))
    uid = show('Initiate with x-amz-checksum-algorithm: CRC32C', request('POST', '/%s/cm' % bucket, [('uploads', '')],
               headers={'x-amz-checksum-algorithm': 'CRC32C'}), 'x-amz-checksum-algorithm')[2]
    uid = tag(uid, 'UploadId')
    part = os.urandom(5 * MIB)
    pcrc = base64.b64encode(crc32c(part[:1]).to_bytes(4, 'big')).decode()  # deliberately wrong
    show('UploadPart with wrong x-amz-checksum-crc32c', put_part(bucket, 'cm', uid, 1, part,
         headers={'x-amz-checksum-crc32c': pcrc, 'x-amz-sdk-checksum-algorithm': 'CRC32C'}), 'etag', 'x-amz-checksum-crc32c')
    st, h, b = show('ListParts of that upload', request('GET', '/%s/cm' % bucket, [('uploadId', uid)]))
    print('  - ListParts XML mentions Checksum: %s' % (b'Checksum' in b))
    request('DELETE', '/%s/cm' % bucket, [('uploadId', uid)])

    print('\n## multipart')
    key = 'mp/object.bin'
    st, h, b = show('Initiate', request('POST', '/%s/%s' % (bucket, key), [('uploads', '')]), 'content-type')
    print('  - body: %s' % b.decode().replace('\n', ''))
    uid = tag(b, 'UploadId')
    p1, p2, p3 = os.urandom(5 * MIB), os.urandom(5 * MIB), os.urandom(1234)
    etags = {}
    for n, data in ((1, p1), (2, p2), (3, p3)):
        st, h, b = show('UploadPart %d (%d B), Content-MD5 right' % (n, len(data)),
                        put_part(bucket, key, uid, n, data, headers={'content-md5': md5_b64(data)}), 'etag')
        etags[n] = h['etag']
    print('  - part ETag = quoted hex MD5 of the part: %s' % (etags[1] == '"%s"' % hashlib.md5(p1).hexdigest()))
    show('UploadPart 4, Content-MD5 of other bytes', put_part(bucket, key, uid, 4, p3, headers={'content-md5': md5_b64(b'x')}))
    show('UploadPart 4, UNSIGNED-PAYLOAD', put_part(bucket, key, uid, 4, p3, payload='UNSIGNED-PAYLOAD'), 'etag')
    show('UploadPart 4, payload hash of other bytes', put_part(bucket, key, uid, 4, p3, payload=EMPTY_SHA))
    show('UploadPart 4 again (overwrite)', put_part(bucket, key, uid, 4, p3), 'etag')
    show('UploadPart number 0', put_part(bucket, key, uid, 0, p3))
    show('UploadPart number 1000', put_part(bucket, key, uid, 1000, p3), 'etag')
    show('UploadPart number 1001', put_part(bucket, key, uid, 1001, p3))
    show('UploadPart number 10000', put_part(bucket, key, uid, 10000, p3))
    show('UploadPart, bogus uploadId', put_part(bucket, key, 'bogus', 1, p3))
    show('UploadPart presigned', request('PUT', '/%s/%s' % (bucket, key), [('partNumber', '5'), ('uploadId', uid)],
         body=p3, presign=300), 'etag')
    for mp in ('2', '1000', '5000'):
        st, h, b = show('ListParts max-parts=%s' % mp, request('GET', '/%s/%s' % (bucket, key), [('uploadId', uid), ('max-parts', mp)]))
        print('  - parts %s IsTruncated=%s NextPartNumberMarker=%s MaxParts=%s' % (
            tags(b, 'PartNumber'), tag(b, 'IsTruncated'), tag(b, 'NextPartNumberMarker'), tag(b, 'MaxParts')))
    st, h, b = show('ListParts part-number-marker=2', request('GET', '/%s/%s' % (bucket, key),
                    [('uploadId', uid), ('part-number-marker', '2'), ('max-parts', '2')]))
    print('  - parts %s IsTruncated=%s PartNumberMarker=%s NextPartNumberMarker=%s' % (
        tags(b, 'PartNumber'), tag(b, 'IsTruncated'), tag(b, 'PartNumberMarker'), tag(b, 'NextPartNumberMarker')))
    print('  - full body: %s' % re.sub(rb'\s*\n\s*', b'', b).decode()[:900])
    show('ListParts max-parts=0', request('GET', '/%s/%s' % (bucket, key), [('uploadId', uid), ('max-parts', '0')]))
    show('ListParts max-parts=-1', request('GET', '/%s/%s' % (bucket, key), [('uploadId', uid), ('max-parts', '-1')]))
    show('ListParts bogus uploadId', request('GET', '/%s/%s' % (bucket, key), [('uploadId', 'bogus')]))
    show('ListParts with uploadId of another key', request('GET', '/%s/other' % bucket, [('uploadId', uid)]))

    # A second and third upload for ListMultipartUploads paging.
    uid_b1 = initiate(bucket, 'mp/b')
    uid_b2 = initiate(bucket, 'mp/b')
    uid_c = initiate(bucket, 'zz')
    uid_sp = initiate(bucket, 'mp/with space')
    for q in ([], [('max-uploads', '2')], [('prefix', 'mp/'), ('delimiter', '/')], [('delimiter', '/')],
              [('key-marker', 'mp/b')], [('key-marker', 'mp/b'), ('upload-id-marker', min(uid_b1, uid_b2))],
              [('max-uploads', '0')], [('encoding-type', 'url')]):
        st, h, b = show('ListMultipartUploads %s' % '&'.join('%s=%s' % kv for kv in q), request('GET', '/' + bucket, [('uploads', '')] + q))
        cps = re.findall(rb'<CommonPrefixes><Prefix>(.*?)</Prefix></CommonPrefixes>', re.sub(rb'\s*\n\s*', b'', b))
        print('  - keys %s ids %s IsTruncated=%s NextKeyMarker=%s NextUploadIdMarker=%s MaxUploads=%s CommonPrefixes=%s EncodingType=%s' % (
            tags(b, 'Key'), [u[:8] for u in tags(b, 'UploadId')], tag(b, 'IsTruncated'), tag(b, 'NextKeyMarker'),
            tag(b, 'NextUploadIdMarker'), tag(b, 'MaxUploads'), [c.decode() for c in cps], tag(b, 'EncodingType')))
    st, h, b = request('GET', '/' + bucket, [('uploads', ''), ('max-uploads', '1')])
    print('  - full body (max-uploads=1): %s' % re.sub(rb'\s*\n\s*', b'', b).decode()[:900])

    print('\n## CompleteMultipartUpload')
    show('Complete, part 1 ETag wrong', complete(bucket, key, uid, [(1, '"%s"' % ('0' * 32)), (2, etags[2])]))
    show('Complete, part 7 never uploaded', complete(bucket, key, uid, [(1, etags[1]), (7, etags[2])]))
    show('Complete, parts out of order', complete(bucket, key, uid, [(2, etags[2]), (1, etags[1])]))
    show('Complete, part 3 (1234 B) in the middle: EntityTooSmall', complete(bucket, key, uid,
         [(1, etags[1]), (3, etags[3]), (4, etags[3])]))
    show('Complete, empty part list', complete(bucket, key, uid, []))
    show('Complete, malformed XML', request('POST', '/%s/%s' % (bucket, key), [('uploadId', uid)], body=b'<Complete'))
    show('Complete, Content-MD5 of other bytes', complete(bucket, key, uid, [(1, etags[1]), (2, etags[2]), (3, etags[3])],
         headers={'content-md5': md5_b64(b'x')}))
    st, h, b = show('Complete, bogus uploadId', complete(bucket, key, 'bogus', [(1, etags[1])]))
    st, h, b = show('Complete 1,2,3 (last part 1234 B)', complete(bucket, key, uid, [(1, etags[1]), (2, etags[2]), (3, etags[3])]), 'content-type')
    print('  - body: %s' % re.sub(rb'\s*\n\s*', b'', b).decode())
    expect = hashlib.md5(b''.join(bytes.fromhex(etags[n].strip('"')) for n in (1, 2, 3))).hexdigest() + '-3'
    print('  - Complete ETag == md5(binary part MD5s) + "-3": %s (%s)' % (tag(b, 'ETag') == '"%s"' % expect, expect))
    st, h, b = show('GET completed object', request('GET', '/%s/%s' % (bucket, key)), 'etag', 'content-length')
    print('  - bytes identical: %s' % (b == p1 + p2 + p3))
    show('HEAD completed object', request('HEAD', '/%s/%s' % (bucket, key)), 'etag', 'content-length')
    st, h, b = show('ListObjects (bucket listing)', request('GET', '/' + bucket, [('prefix', 'mp/')]))
    print('  - keys %s ETags %s sizes %s' % (tags(b, 'Key'), tags(b, 'ETag'), tags(b, 'Size')))
    show('GET completed object, partNumber=2', request('GET', '/%s/%s' % (bucket, key), [('partNumber', '2')]), 'content-length', 'x-amz-mp-parts-count')
    st, h, b = show('ListParts after Complete', request('GET', '/%s/%s' % (bucket, key), [('uploadId', uid)]))
    print('  - parts %s' % tags(b, 'PartNumber'))
    st, h, b = show('ListMultipartUploads after Complete', request('GET', '/' + bucket, [('uploads', ''), ('prefix', key)]))
    print('  - keys %s' % tags(b, 'Key'))
    show('UploadPart after Complete', put_part(bucket, key, uid, 9, p3), 'etag')
    show('Complete again after Complete', complete(bucket, key, uid, [(1, etags[1]), (2, etags[2]), (3, etags[3])]), 'etag')
    show('Abort after Complete', request('DELETE', '/%s/%s' % (bucket, key), [('uploadId', uid)]))

    print('\n## small uploads, abort')
    u = initiate(bucket, 'zero')
    st, h, b = show('UploadPart 1 of 0 B', put_part(bucket, 'zero', u, 1, b''), 'etag')
    st, h, b = show('Complete single 0 B part', complete(bucket, 'zero', u, [(1, h['etag'])]))
    print('  - body: %s' % re.sub(rb'\s*\n\s*', b'', b).decode()[:400])
    show('HEAD zero', request('HEAD', '/%s/zero' % bucket), 'etag', 'content-length')
    u = initiate(bucket, 'one')
    st, h, b = put_part(bucket, 'one', u, 1, b'x')
    show('Complete single 1 B part', complete(bucket, 'one', u, [(1, h['etag'])]), 'etag')
    u = initiate(bucket, 'two-small')
    e1 = put_part(bucket, 'two-small', u, 1, b'a')[1]['etag']
    e2 = put_part(bucket, 'two-small', u, 2, b'b')[1]['etag']
    st, h, b = show('Complete two 1 B parts', complete(bucket, 'two-small', u, [(1, e1), (2, e2)]))
    print('  - body: %s' % re.sub(rb'\s*\n\s*', b'', b).decode()[:400])
    u = initiate(bucket, 'noquote')
    e1 = put_part(bucket, 'noquote', u, 1, b'a')[1]['etag']
    show('Complete, ETag without quotes', complete(bucket, 'noquote', u, [(1, e1.strip('"'))]), 'etag')
    u = initiate(bucket, 'ab')
    show('Abort', request('DELETE', '/%s/ab' % bucket, [('uploadId', u)]))
    show('Abort again', request('DELETE', '/%s/ab' % bucket, [('uploadId', u)]))
    show('UploadPart after Abort', put_part(bucket, 'ab', u, 1, b'x'))
    show('Abort bogus uploadId', request('DELETE', '/%s/ab' % bucket, [('uploadId', 'bogus')]))
    show('Initiate on missing bucket', request('POST', '/nobucket/k', [('uploads', '')]))
    for uu, k in ((uid_b1, 'mp/b'), (uid_b2, 'mp/b'), (uid_c, 'zz'), (uid_sp, 'mp/with space')):
        request('DELETE', '/%s/%s' % (bucket, k), [('uploadId', uu)])
    st, h, b = show('ListMultipartUploads after aborting all', request('GET', '/' + bucket, [('uploads', '')]))
    print('  - keys %s' % tags(b, 'Key'))


if __name__ == '__main__':
    main()
