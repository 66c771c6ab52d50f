#!/usr/bin/env python3
"""Writes tests/vectors/sigv4.json from the public SigV4 test suite and the S3 documentation's
worked examples. Test data only: this reads the suite's files and copies their text into
JSON fields; it holds no signing code from anywhere.

  python3 tests/vectors/make_sigv4.py AWS_C_AUTH_GIT_DIR COMMIT > tests/vectors/sigv4.json

AWS_C_AUTH_GIT_DIR is a clone of awslabs/aws-c-auth (bare is fine). Every value it writes is
checked on the way with an independent SigV4 computation (hashlib/hmac): each suite case's
canonical request must hash to its string to sign, which must sign to its signature; each S3
documentation example, built from the request the documentation shows, must give the
signature the documentation prints. A mismatch stops the script.
"""
import calendar
import hashlib
import hmac
import json
import subprocess
import sys
import time
import urllib.parse

SUITE = 'tests/aws-signing-test-suite/v4'
EMPTY_SHA256 = hashlib.sha256(b'').hexdigest()


def git(repo, *args):
    return subprocess.run(['git', '-C', repo] + list(args), check=True, capture_output=True).stdout


def signature_of(string_to_sign, secret, day, region, service):
    key = ('AWS4' + secret).encode()
    for part in (day, region, service, 'aws4_request'):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


def check_chain(vid, creq, sts, sig, secret, region, service):
    lines = sts.split('\n')
    if lines[3] != hashlib.sha256(creq.encode()).hexdigest():
        sys.exit('%s: the string to sign does not hash the canonical request' % vid)
    if signature_of(sts, secret, lines[2].split('/')[0], region, service) != sig:
        sys.exit('%s: the signature does not sign the string to sign' % vid)


def parse_request(text):
    """request.txt: request line, headers (a line starting with white space continues the
    previous header's value: kept with its newline), blank line, body."""
    head, _, body = text.partition('\n\n')
    lines = head.split('\n')
    # The target may hold a space (get-space-*): the method is the first word, the version the last.
    method, rest = lines[0].split(' ', 1)
    target = rest.rsplit(' ', 1)[0]
    headers = []
    for line in lines[1:]:
        if line[:1] in (' ', '\t') and headers:
            headers[-1][1] += '\n' + line
        elif line:
            name, _, value = line.partition(':')
            headers.append([name, value])
    return method, target, headers, body


def split_target(target):
    path, _, query = target.partition('?')
    pairs = []
    for item in query.split('&') if query else []:
        name, _, value = item.partition('=')
        pairs.append([urllib.parse.unquote(name), urllib.parse.unquote(value)])
    return path, pairs


def s3_canonical_uri(raw_path):
    # S3's rule: the path URI-encoded once (RFC 3986 unreserved kept, '/' kept), never normalised.
    return urllib.parse.quote(raw_path, safe='/-_.~')


def added(before, after):
    """Headers present in `after` (the signed request) and not in `before`, as a map."""
    seen = {(n.lower(), v) for n, v in before}
    return {n: v for n, v in after if (n.lower(), v) not in seen}


def suite_vectors(repo, commit):
    out = []
    cases = sorted(p.rsplit('/', 1)[1] for p in
                   git(repo, 'ls-tree', '--name-only', commit, SUITE + '/').decode().split())
    for case in cases:
        base = '%s/%s' % (SUITE, case)
        read = lambda name: git(repo, 'show', '%s:%s/%s' % (commit, base, name)).decode()
        ctx = json.loads(read('context.json'))
        method, target, headers, body = parse_request(read('request.txt'))
        path, query = split_target(target)
        cred = ctx['credentials']
        stamp = time.strptime(ctx['timestamp'], '%Y-%m-%dT%H:%M:%SZ')
        sign_time = calendar.timegm(stamp)
        host = next(v for n, v in headers if n.lower() == 'host')
        multiline = any('\n' in v for _, v in headers)
        for form in ('header', 'query'):
            creq = read('%s-canonical-request.txt' % form)
            sts = read('%s-string-to-sign.txt' % form)
            sig = read('%s-signature.txt' % form).strip()
            signed = read('%s-signed-request.txt' % form)
            vid = 'aws-c-auth/%s/%s' % (case, form)
            check_chain(vid, creq, sts, sig, cred['secret_access_key'], ctx['region'], ctx['service'])
            creq_lines = creq.split('\n')
            canonical_uri = creq_lines[1]
            why_not = []
            if s3_canonical_uri(path) != canonical_uri:
                why_not.append('the expected canonical URI %s is not the path encoded once without '
                               'normalisation (%s), which is what S3 signs' % (canonical_uri, s3_canonical_uri(path)))
            if multiline:
                why_not.append('a header value folded over several lines (obs-fold), which an HTTP/1.1 '
                               'client must not send')
            if ctx.get('omit_session_token'):
                why_not.append('the session token is added after signing (omit_session_token), while S3 '
                               'signs X-Amz-Security-Token')
            s_method, s_target, s_headers, _ = parse_request(signed)
            options = {
                'normalize_path': ctx['normalize'],
                'double_uri_encode': True,
                'payload_hash': creq_lines[-1],
                'x_amz_content_sha256_header': bool(ctx['sign_body']) and form == 'header',
                'omit_session_token': bool(ctx.get('omit_session_token', False)),
            }
            expected = {
                'canonical_uri': canonical_uri,
                'canonical_request': creq,
                'signed_headers': creq_lines[-2],
                'scope': sts.split('\n')[2],
                'string_to_sign': sts,
                'signature': sig,
                'signed_request': signed,
            }
            inputs = {
                'method': method,
                'target': target,
                'host': host,
                'path': path,
                'query': query,
                'headers': headers,
                'body': body,
                'access_key_id': cred['access_key_id'],
                'access_key_secret': cred['secret_access_key'],
                'security_token': cred.get('token'),
                'region': ctx['region'],
                'service': ctx['service'],
                'x_amz_date': time.strftime('%Y%m%dT%H%M%SZ', stamp),
                'sign_time_unix': sign_time,
            }
            if form == 'header':
                expected['authorization'] = next(v for n, v in s_headers if n == 'Authorization')
                expected['headers_added_by_signer'] = {
                    n: v for n, v in added(headers, s_headers).items() if n != 'Authorization'}
            else:
                inputs['expires_seconds'] = ctx['expiration_in_seconds']
                inputs['expiration_unix'] = sign_time + ctx['expiration_in_seconds']
                _, s_query = split_target(s_target)
                expected['query_params_added'] = {n: v for n, v in s_query if [n, v] not in query}
            out.append({
                'id': vid,
                'kind': 'anchor',
                'type': 'sigv4-' + form,
                'source': {
                    'repository': 'awslabs/aws-c-auth',
                    'commit': commit,
                    'path': base + '/',
                    'files': ['context.json', 'request.txt'] + ['%s-%s.txt' % (form, f) for f in
                              ('canonical-request', 'string-to-sign', 'signature', 'signed-request')],
                    'asserted_by': 'awslabs/aws-c-auth:tests/sigv4_signing_tests.c '
                                   '(DECLARE_SIGV4_TEST_SUITE_CASE %s)' % case.replace('-', '_'),
                },
                's3_style': {'applies': not why_not, 'why_not': why_not},
                'inputs': inputs,
                'options': options,
                'expected': expected,
            })
    return out


# The S3 API Reference's worked examples (credentials AKIAIOSFODNN7EXAMPLE, 2013-05-24,
# us-east-1, bucket examplebucket, virtual-hosted). `published` holds what the page prints.
DOC_HEADER = 'https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html'
DOC_QUERY = 'https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html'
DOC_EXAMPLES = [
    ('GET Object', DOC_HEADER, 'header', 'GET', '/test.txt', [],
     [['Range', 'bytes=0-9']], b'',
     {'signature': 'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
      'string_to_sign_hash': '7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972'}),
    ('PUT Object', DOC_HEADER, 'header', 'PUT', '/test$file.text', [],
     [['Date', 'Fri, 24 May 2013 00:00:00 GMT'], ['x-amz-storage-class', 'REDUCED_REDUNDANCY']],
     b'Welcome to Amazon S3.',
     {'signature': '98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd'}),
    ('GET Bucket Lifecycle', DOC_HEADER, 'header', 'GET', '/', [['lifecycle', '']], [], b'',
     {'signature': 'fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543'}),
    ('Get Bucket (List Objects)', DOC_HEADER, 'header', 'GET', '/', [['max-keys', '2'], ['prefix', 'J']], [], b'',
     {'signature': '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7'}),
    ('presigned URL (GET Object, 86400 s)', DOC_QUERY, 'query', 'GET', '/test.txt', [], [], b'',
     {'signature': 'aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404'}),
]


def doc_vectors():
    access, secret, region = 'AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'us-east-1'
    amz_date, day, sign_time = '20130524T000000Z', '20130524', calendar.timegm((2013, 5, 24, 0, 0, 0))
    host = 'examplebucket.s3.amazonaws.com'
    scope = '%s/%s/s3/aws4_request' % (day, region)
    enc = lambda s: urllib.parse.quote(s, safe='-_.~')
    out = []
    for name, url, form, method, path, query, headers, body, published in DOC_EXAMPLES:
        query_all = list(query)
        signer_headers = {}
        if form == 'header':
            payload = hashlib.sha256(body).hexdigest()
            signer_headers = {'x-amz-content-sha256': payload, 'x-amz-date': amz_date}
            all_headers = [['Host', host]] + headers + [[k, v] for k, v in signer_headers.items()]
            expires = None
        else:
            payload = 'UNSIGNED-PAYLOAD'
            all_headers = [['Host', host]] + headers
            expires = 86400
            query_all += [['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
                          ['X-Amz-Credential', '%s/%s' % (access, scope)],
                          ['X-Amz-Date', amz_date], ['X-Amz-Expires', str(expires)],
                          ['X-Amz-SignedHeaders', 'host']]
        canon_headers = sorted((n.lower(), ' '.join(v.split())) for n, v in all_headers)
        signed_headers = ';'.join(n for n, _ in canon_headers)
        creq = '\n'.join([method, s3_canonical_uri(path),
                          '&'.join('%s=%s' % (enc(n), enc(v)) for n, v in sorted(query_all)),
                          ''.join('%s:%s\n' % nv for nv in canon_headers), signed_headers, payload])
        sts = '\n'.join(['AWS4-HMAC-SHA256', amz_date, scope, hashlib.sha256(creq.encode()).hexdigest()])
        sig = signature_of(sts, secret, day, region, 's3')
        vid = 'aws-s3-docs/%s' % name.split(' (')[0].lower().replace(' ', '-')
        if sig != published['signature']:
            sys.exit('%s: computed %s, the documentation prints %s' % (vid, sig, published['signature']))
        if 'string_to_sign_hash' in published and sts.split('\n')[3] != published['string_to_sign_hash']:
            sys.exit('%s: the canonical request hash differs from the documentation' % vid)
        expected = {'canonical_uri': s3_canonical_uri(path), 'canonical_request': creq,
                    'signed_headers': signed_headers, 'scope': scope, 'string_to_sign': sts,
                    'signature': sig}
        inputs = {'method': method, 'host': host, 'bucket': 'examplebucket', 'key': path[1:],
                  'path': path, 'query': query, 'headers': headers, 'body': body.decode(),
                  'access_key_id': access, 'access_key_secret': secret, 'security_token': None,
                  'region': region, 'service': 's3', 'x_amz_date': amz_date, 'sign_time_unix': sign_time}
        if form == 'header':
            expected['authorization'] = ('AWS4-HMAC-SHA256 Credential=%s/%s,SignedHeaders=%s,Signature=%s'
                                         % (access, scope, signed_headers, sig))
            expected['headers_added_by_signer'] = signer_headers
        else:
            inputs['expires_seconds'] = expires
            inputs['expiration_unix'] = sign_time + expires
            expected['query_params_added'] = dict(query_all[len(query):] + [['X-Amz-Signature', sig]])
            expected['signed_url'] = 'https://%s%s?%s' % (host, s3_canonical_uri(path), '&'.join(
                '%s=%s' % (enc(n), enc(v)) for n, v in query_all[len(query):] + [['X-Amz-Signature', sig]]))
        out.append({
            'id': vid,
            'kind': 'doc-example',
            'type': 'sigv4-' + form,
            'source': {'document': 'Amazon S3 API Reference', 'url': url, 'example': 'Example: ' + name,
                       'published': sorted(published)},
            's3_style': {'applies': True, 'why_not': []},
            'inputs': inputs,
            'options': {'normalize_path': False, 'double_uri_encode': False, 'payload_hash': payload,
                        'x_amz_content_sha256_header': form == 'header', 'omit_session_token': False},
            'expected': expected,
        })
    return out


SCHEMA = {
    'description': (
        'SigV4 known-answer vectors: the public SigV4 test suite as aws-c-auth keeps it (38 cases, '
        'each signed in the header and presigned in the query, generic service "service") and the '
        'Amazon S3 API Reference worked examples (service "s3"). Written by tests/vectors/make_sigv4.py, '
        'which checks every chain (canonical request -> string to sign -> signature) with its own '
        'HMAC-SHA256 on the way. Each stage is given so a signer built of pure functions can be '
        'checked stage by stage, earliest first.'),
    'fields': {
        'id': 'unique id: aws-c-auth/<case>/<header|query> or aws-s3-docs/<example>',
        'kind': 'anchor = the suite\'s expected files, asserted by aws-c-auth\'s tests; doc-example = a '
                'worked example of the S3 API Reference: source.published lists what the page prints, the '
                'other expected values are the ones that reproduce it',
        'type': 'sigv4-header (Authorization header) | sigv4-query (presigned URL)',
        'source': 'repository, commit and path (suite) or document URL and example title (S3 docs)',
        's3_style.applies': 'true when an S3 signer (canonical URI = the raw path URI-encoded once, never '
                            'normalised; token signed) reproduces the case given inputs and options; '
                            'why_not says otherwise',
        'inputs.target': 'suite: the request target exactly as request.txt has it',
        'inputs.host, inputs.path': 'the Host header and the raw (unencoded) path; S3 docs also give bucket '
                                    'and key (virtual-hosted: host = bucket.s3.amazonaws.com)',
        'inputs.query': 'ordered list of [name, raw value] (percent-decoded); "" = no value',
        'inputs.headers': 'list of [name, value] supplied before signing, values verbatim (untrimmed); '
                          'repeated names are repeated entries',
        'inputs.body': 'request body text',
        'inputs.access_key_id, access_key_secret, security_token': 'credentials (token null when none)',
        'inputs.region, inputs.service': 'scope region and service',
        'inputs.x_amz_date, inputs.sign_time_unix': 'signing time',
        'inputs.expires_seconds, inputs.expiration_unix': 'query: X-Amz-Expires, and sign time + it',
        'options.payload_hash': 'the last line of the canonical request: hex SHA-256 of the body, the '
                                'empty-body hash (the suite signs every case with it, even presigned), '
                                'or UNSIGNED-PAYLOAD (S3 presigned URLs)',
        'options.x_amz_content_sha256_header': 'the signer adds x-amz-content-sha256 (= payload_hash) and '
                                               'signs it (S3 always does for header auth)',
        'options.normalize_path, options.double_uri_encode': 'aws-c-auth signing flags for the generic '
                                                             'service; S3 uses false/false',
        'options.omit_session_token': 'the token is added after signing, unsigned (not S3)',
        'expected.canonical_uri ... expected.signature': 'each stage\'s exact output',
        'expected.authorization': 'header: the Authorization value (the suite separates with ", ", the S3 '
                                  'docs with ","; servers accept both)',
        'expected.headers_added_by_signer': 'header: what signing adds besides Authorization',
        'expected.query_params_added': 'query: the X-Amz-* parameters signing adds, raw values',
        'expected.signed_request, expected.signed_url': 'the complete result as the source prints it '
                                                        '(parameter order in a URL is not normative)',
    },
    'runner_proposal': (
        'ossmp-vectors can treat this file like signatures.json: type sigv4-header/sigv4-query, request '
        'from inputs.host/path/query/headers (or bucket/key against an endpoint), credentials from '
        'access_key_id/access_key_secret/security_token, time from sign_time_unix, and options mapped onto '
        'the SigV4 signer\'s options; run every vector whose s3_style.applies is true through the S3 '
        'signer, and the others only if the signer exposes the generic-service flags.'),
}


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    repo, commit = sys.argv[1], sys.argv[2]
    vectors = suite_vectors(repo, commit) + doc_vectors()
    json.dump({'schema': SCHEMA, 'vectors': vectors}, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
