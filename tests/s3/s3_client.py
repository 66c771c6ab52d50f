#!/usr/bin/python3
"""An independent S3 client for the tests: Debian's boto3 (python3-boto3), configured the
way users configure AWS tools (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
AWS_REGION; AWS_ENDPOINT_URL for the endpoint, which this boto3 does not read by itself).
Every command prints one JSON object on stdout; errors go to stderr with exit status 1.

  s3_client.py make-bucket BUCKET
  s3_client.py upload BUCKET KEY FILE PART_SIZE    multipart upload, parts of PART_SIZE bytes
  s3_client.py start-upload BUCKET KEY FILE PART_SIZE PARTS
                                                    initiates and sends PARTS parts, leaves
                                                    the upload open: prints its upload id
  s3_client.py list-uploads BUCKET                  the open uploads: key and upload id
  s3_client.py list-parts BUCKET KEY UPLOAD_ID      part numbers, sizes and ETags
  s3_client.py head BUCKET KEY                      size and ETag
  s3_client.py get BUCKET KEY FILE                  writes the object to FILE
"""
import json
import os
import sys

import boto3
import botocore.config
import botocore.exceptions


def client():
    endpoint = os.environ.get('AWS_ENDPOINT_URL')
    if not endpoint:
        sys.exit('s3_client.py: AWS_ENDPOINT_URL is not set')
    config = botocore.config.Config(signature_version='s3v4', retries={'max_attempts': 1},
                                    s3={'addressing_style': 'path'})
    return boto3.client('s3', endpoint_url=endpoint,
                        region_name=os.environ.get('AWS_REGION', 'us-east-1'), config=config)


def send_parts(s3, bucket, key, upload_id, path, part_size, limit=None):
    parts = []
    with open(path, 'rb') as f:
        while limit is None or len(parts) < limit:
            data = f.read(part_size)
            if not data and parts:
                break
            number = len(parts) + 1
            etag = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id,
                                  PartNumber=number, Body=data)['ETag']
            parts.append({'PartNumber': number, 'ETag': etag})
            if not data:
                break
    return parts


def run(argv):
    s3 = client()
    cmd, args = argv[0], argv[1:]
    if cmd == 'make-bucket' and len(args) == 1:
        s3.create_bucket(Bucket=args[0])
        return {'bucket': args[0]}
    if cmd == 'upload' and len(args) == 4:
        bucket, key, path, part_size = args[0], args[1], args[2], int(args[3])
        upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key)['UploadId']
        parts = send_parts(s3, bucket, key, upload_id, path, part_size)
        done = s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id,
                                            MultipartUpload={'Parts': parts})
        return {'upload_id': upload_id, 'parts': parts, 'etag': done['ETag']}
    if cmd == 'start-upload' and len(args) == 5:
        bucket, key, path = args[0], args[1], args[2]
        upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key)['UploadId']
        parts = send_parts(s3, bucket, key, upload_id, path, int(args[3]), int(args[4]))
        return {'upload_id': upload_id, 'parts': parts}
    if cmd == 'list-uploads' and len(args) == 1:
        uploads = []
        for page in s3.get_paginator('list_multipart_uploads').paginate(Bucket=args[0]):
            uploads += [{'key': u['Key'], 'upload_id': u['UploadId']} for u in page.get('Uploads', [])]
        return {'uploads': uploads}
    if cmd == 'list-parts' and len(args) == 3:
        parts = []
        for page in s3.get_paginator('list_parts').paginate(Bucket=args[0], Key=args[1], UploadId=args[2]):
            parts += [{'number': p['PartNumber'], 'size': p['Size'], 'etag': p['ETag']}
                      for p in page.get('Parts', [])]
        return {'parts': parts}
    if cmd == 'head' and len(args) == 2:
        head = s3.head_object(Bucket=args[0], Key=args[1])
        return {'size': head['ContentLength'], 'etag': head['ETag']}
    if cmd == 'get' and len(args) == 3:
        s3.download_file(args[0], args[1], args[2])
        return {'file': args[2]}
    print(__doc__, file=sys.stderr)
    sys.exit(2)


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        print(json.dumps(run(sys.argv[1:])))
    except botocore.exceptions.ClientError as e:
        err = e.response.get('Error', {})
        print('s3_client.py %s: %s %s (HTTP %s)' % (sys.argv[1], err.get('Code'), err.get('Message'),
              e.response.get('ResponseMetadata', {}).get('HTTPStatusCode')), file=sys.stderr)
        return 1
    except (botocore.exceptions.BotoCoreError, OSError) as e:
        print('s3_client.py %s: %s' % (sys.argv[1], e), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
