"""The S3-compatible file storage: django-storages' S3Storage, with botocore's descriptions of
the S3 API read once per process instead of once per app thread.

A boto3 resource is not thread-safe, so django-storages makes one per thread, each from a new
boto3 session, and each new session parsed botocore's JSON description of S3 afresh: 0.3–0.4 s
of CPU in every thread's first upload or download (with two gunicorns of two workers of four
threads, 16 times in the first minute). The descriptions are read-only data; one loader per
process now serves every session, and the credentials, clients and resources stay per thread.
"""

from functools import cache

import boto3
import botocore.loaders
import botocore.session
from storages.backends.s3 import S3Storage


@cache
def shared_loader() -> botocore.loaders.Loader:
    return botocore.loaders.create_loader()


class SharedModelS3Storage(S3Storage):
    def _create_session(self):
        core = botocore.session.get_session()
        core.register_component("data_loader", shared_loader())
        if self.session_profile:
            return boto3.Session(botocore_session=core, profile_name=self.session_profile)
        return boto3.Session(
            botocore_session=core,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            aws_session_token=self.security_token,
        )
