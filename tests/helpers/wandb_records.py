"""Read an offline wandb run (`run-<id>.wandb`) back: the records wandb would upload on `wandb sync`.

wandb 0.31 ships no Python reader of its transaction log, so this parses the documented LevelDB-log
framing it uses (a 7-byte ":W&B" header, then 32 KiB blocks of [crc32c u32][length u16][type u8] chunks)
and decodes each record with wandb's own protobuf (wandb.proto.wandb_internal_pb2.Record).
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

BLOCK = 32 * 1024
HEADER = 7
CHUNK_HEADER = 7
FULL, FIRST, MIDDLE, LAST = 1, 2, 3, 4


def raw_records(path: Path) -> list[bytes]:
    data = Path(path).read_bytes()
    if not data.startswith(b":W&B"):
        raise ValueError(f"{path} is not a wandb transaction log")
    records, pending, offset = [], b"", HEADER
    while offset + CHUNK_HEADER <= len(data):
        left_in_block = BLOCK - offset % BLOCK
        if left_in_block < CHUNK_HEADER:   # block trailer: zero padding
            offset += left_in_block
            continue
        _crc, length, kind = struct.unpack("<IHB", data[offset:offset + CHUNK_HEADER])
        chunk = data[offset + CHUNK_HEADER:offset + CHUNK_HEADER + length]
        offset += CHUNK_HEADER + length
        if kind == 0 and length == 0:
            continue
        if kind == FULL:
            records.append(chunk)
        elif kind == FIRST:
            pending = chunk
        elif kind == MIDDLE:
            pending += chunk
        elif kind == LAST:
            records.append(pending + chunk)
            pending = b""
    return records


def offline_run(save_dir: Path) -> dict:
    """{"config": {key: value}, "history": [{key: value}], "files": dir} of the one offline run under save_dir."""
    from wandb.proto import wandb_internal_pb2

    runs = sorted(Path(save_dir).rglob("offline-run-*/run-*.wandb"))
    assert runs, f"no offline wandb run under {save_dir}"
    config, history = {}, []
    for raw in raw_records(runs[-1]):
        record = wandb_internal_pb2.Record()
        record.ParseFromString(raw)
        kind = record.WhichOneof("record_type")
        if kind == "config":
            for item in record.config.update:
                config[item.key or ".".join(item.nested_key)] = json.loads(item.value_json)
        elif kind == "history":
            history.append({item.key or "/".join(item.nested_key): json.loads(item.value_json)
                            for item in record.history.item})
    return {"config": config, "history": history, "files": runs[-1].parent / "files"}
