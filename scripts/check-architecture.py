#!/usr/bin/env python3
"""`make check-architecture` (run by `make test`): the module graph is the architecture.

Reads `swift package dump-package` and the `import` lines of every product target, and fails
when a target declares or imports a module outside its allowed set (docs/architecture.md), or
imports a module it does not declare (SwiftPM lets transitive modules through).
"""
import json
import pathlib
import re
import subprocess
import sys

# Toolchain modules any target may import.
SYSTEM = {"Foundation", "FoundationEssentials", "FoundationNetworking", "FoundationXML", "Glibc", "Dispatch",
          "Synchronization", "_Concurrency"}

ALLOWED = {
    # The pure core: Foundation only.
    "SyncCore": set(),
    "SyncStore": {"SyncCore", "GRDB", "Crypto"},
    # The hub store on PostgreSQL: behind the same HubStorage seam, no HTTP.
    "SyncPostgres": {"SyncCore", "SyncStore", "PostgresNIO", "Logging", "NIOCore", "NIOPosix", "NIOSSL"},
    "TransportErrors": {"SyncCore", "AsyncHTTPClient", "NIOCore", "NIOPosix"},
    "SyncNode": {"SyncCore", "SyncStore", "TransportErrors", "AsyncHTTPClient", "NIOCore", "NIOHTTP1", "Logging"},
    "SyncTwitch": {"SyncCore", "TransportErrors", "AsyncHTTPClient", "NIOCore", "NIOHTTP1", "Logging"},
    # The pages both servers show; no hub routes, no hub client.
    "RaceWeb": {"SyncCore", "SyncStore", "Mustache", "Hummingbird", "HTTPTypes", "ServiceLifecycle"},
    "NodeWeb": {"SyncCore", "SyncStore", "SyncNode", "RaceWeb", "Hummingbird", "HTTPTypes", "Crypto", "Logging", "ServiceLifecycle"},
    "HubHTTP": {"SyncCore", "SyncStore", "RaceWeb", "Hummingbird", "Crypto", "Logging", "NIOCore", "NIOHTTPTypes",
                "HTTPTypes", "ServiceLifecycle", "Prometheus", "CompressNIO"},
    # What both executables share: the exit-code table and `main`.
    "RaceSyncCommand": {"ArgumentParser"},
    "syncd": {"SyncCore", "SyncStore", "SyncPostgres", "SyncNode", "SyncTwitch", "HubHTTP", "NodeWeb", "RaceSyncCommand", "ArgumentParser", "AsyncHTTPClient",
              "ServiceLifecycle", "Logging", "Prometheus", "Hummingbird"},
    # racecli never links the hub's HTTP layer or Twitch code.
    "racecli": {"SyncCore", "SyncStore", "SyncNode", "RaceSyncCommand", "ArgumentParser"},
}

root = pathlib.Path(__file__).resolve().parent.parent
package = json.loads(subprocess.run(["swift", "package", "dump-package"], cwd=root, check=True,
                                    capture_output=True, text=True).stdout)
problems = []
targets = {t["name"]: t for t in package["targets"]}
for name, allowed in ALLOWED.items():
    target = targets.get(name)
    if target is None:
        problems.append(f"{name}: no such target")
        continue
    declared = set()
    for dependency in target["dependencies"]:
        kind, value = next(iter(dependency.items()))
        declared.add(value[0])
    for extra in sorted(declared - allowed):
        problems.append(f"{name} depends on {extra}, which the architecture does not allow")
    folder = root / (target.get("path") or f"Sources/{name}")
    for source in sorted(folder.rglob("*.swift")):
        for module in re.findall(r"^\s*(?:@testable\s+|@_exported\s+)?import\s+(?:struct\s+|class\s+|enum\s+)?(\w+)",
                                 source.read_text(), re.M):
            if module in SYSTEM:
                continue
            if module not in allowed:
                problems.append(f"{source.relative_to(root)} imports {module}, which {name} may not use")
            elif module not in declared:
                problems.append(f"{source.relative_to(root)} imports {module}, which {name} does not declare")

for line in problems:
    print(line)
print(f"architecture: {len(ALLOWED)} targets checked, {len(problems)} problem(s)")
sys.exit(1 if problems else 0)
