#!/usr/bin/env python3
"""`make check-architecture` (run by `make test`): the module graph is the architecture.

Reads `swift package dump-package` and the `import` lines of every product target, and fails
when a target declares or imports a module outside its allowed set (docs/architecture.md), or
imports a module it does not declare (SwiftPM lets transitive modules through). Then the layers'
own rules: the core imports Foundation alone; GRDB only in the SQLite module, PostgresNIO only
in the PostgreSQL module; no SQL text outside those two.
"""
import json
import pathlib
import re
import subprocess
import sys

# An import line, with any attributes and access level (`public import`, `@testable import`).
IMPORT_LINE = (r"^\s*(?:@\w+\s+)*(?:(?:public|package|internal|fileprivate|private)\s+)?(?:@\w+\s+)*import\s+"
               r"(?:struct\s+|class\s+|enum\s+|protocol\s+|func\s+|typealias\s+)?(\w+)")

# Toolchain modules any target may import.
SYSTEM = {"Foundation", "FoundationEssentials", "FoundationNetworking", "FoundationXML", "Glibc", "Dispatch",
          "Synchronization", "_Concurrency", "Testing"}

ALLOWED = {
    # The pure core: Foundation only.
    "SyncCore": set(),
    # The hub's use cases once for every database, the views and the storage seam: no database library.
    "RaceService": {"SyncCore", "Crypto"},
    # SQLite: the hub's backend and the node's replica.
    "SyncStore": {"SyncCore", "RaceService", "GRDB"},
    # The hub's backend on PostgreSQL: behind the same HubBackend seam, no HTTP, no GRDB.
    "SyncPostgres": {"SyncCore", "RaceService", "PostgresNIO", "Logging", "NIOCore", "NIOPosix", "NIOSSL"},
    # The one outbound HTTP client (URLSession: libcurl and the system's TLS), no server library.
    "OutboundHTTP": {"SyncCore"},
    "SyncNode": {"SyncCore", "RaceService", "SyncStore", "OutboundHTTP", "Logging"},
    "SyncTwitch": {"SyncCore", "OutboundHTTP", "NIOHTTP1", "Logging"},
    # The pages both servers show; no hub routes, no hub client.
    "RaceWeb": {"SyncCore", "RaceService", "Mustache", "Hummingbird", "HTTPTypes", "ServiceLifecycle"},
    "NodeWeb": {"SyncCore", "RaceService", "SyncStore", "SyncNode", "RaceWeb", "Hummingbird", "HTTPTypes", "Crypto",
                "Logging", "ServiceLifecycle"},
    # The hub's HTTP layer sees the use cases (`Hub`), never a database.
    # Its one outbound client (OutboundHTTP, NIOPosix for resolving): WebSub's callbacks. Its own
    # server channel (HummingbirdCore, NIOHTTP1, NIOWebSocket, NIOHTTPTypesHTTP1): HTTP/1.1 or a race's WebSocket.
    "HubHTTP": {"SyncCore", "RaceService", "RaceWeb", "Hummingbird", "Crypto", "Logging", "NIOCore", "NIOHTTPTypes",
                "HTTPTypes", "ServiceLifecycle", "Prometheus", "Metrics", "CompressNIO", "NIOPosix", "OutboundHTTP",
                "HummingbirdCore", "NIOHTTP1", "NIOWebSocket", "NIOHTTPTypesHTTP1"},
    # What both executables share: the exit-code table and `main`.
    "RaceSyncCommand": {"ArgumentParser"},
    "syncd": {"SyncCore", "RaceService", "SyncStore", "SyncPostgres", "SyncNode", "SyncTwitch", "HubHTTP", "NodeWeb", "RaceSyncCommand", "ArgumentParser", "OutboundHTTP",
              "ServiceLifecycle", "Logging", "Prometheus", "Hummingbird"},
    # racecli never links the hub's HTTP layer or Twitch code.
    "racecli": {"SyncCore", "RaceService", "SyncStore", "SyncNode", "RaceSyncCommand", "ArgumentParser"},
}

# Each test target tests its own module: it may import that module and its test fixtures.
TEST_ALLOWED = {
    "SyncCoreTests": {"SyncCore", "TestSupport", "ChildProcesses", "PropertyBased", "Testing"},
    "SyncStoreTests": {"SyncCore", "RaceService", "SyncStore", "TestSupport", "StoreTestSupport", "GRDB",
                       "PropertyBased", "Testing"},
    "OutboundHTTPTests": {"OutboundHTTP", "SyncCore", "TestSupport", "Testing"},
    "SyncNodeTests": {"SyncCore", "RaceService", "SyncStore", "SyncNode", "TestSupport", "StoreTestSupport",
                      "ChildProcesses", "Testing"},
}

root = pathlib.Path(__file__).resolve().parent.parent
package = json.loads(subprocess.run(["swift", "package", "dump-package"], cwd=root, check=True,
                                    capture_output=True, text=True).stdout)
problems = []
targets = {t["name"]: t for t in package["targets"]}
for name, allowed in {**ALLOWED, **TEST_ALLOWED}.items():
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
    folder = root / (target.get("path") or f"{'Tests' if target['type'] == 'test' else 'Sources'}/{name}")
    for source in sorted(folder.rglob("*.swift")):
        for module in re.findall(IMPORT_LINE,
                                 source.read_text(), re.M):
            if module in SYSTEM:
                continue
            if module not in allowed:
                problems.append(f"{source.relative_to(root)} imports {module}, which {name} may not use")
            elif module not in declared:
                problems.append(f"{source.relative_to(root)} imports {module}, which {name} does not declare")

# The layers' own rules, over every product target's sources.
ONLY_IN = {"GRDB": "SyncStore", "PostgresNIO": "SyncPostgres"}
SQL_HOMES = {"SyncStore", "SyncPostgres"}
SQL = re.compile(r"""(?:"|^\s*)(?:SELECT\s|INSERT\s+(?:OR\s+\w+\s+)?INTO\s|UPDATE\s+\w+\s+SET\s|DELETE\s+FROM\s"""
                 r"""|CREATE\s+(?:TEMP\s+)?(?:TABLE|INDEX)\s|PRAGMA\s|BEGIN\s+IMMEDIATE|ON\s+CONFLICT)""")
for name in ALLOWED:
    target = targets.get(name)
    if target is None:
        continue
    folder = root / (target.get("path") or f"Sources/{name}")
    for source in sorted(folder.rglob("*.swift")):
        text = source.read_text()
        imports = set(re.findall(IMPORT_LINE, text, re.M))
        if name == "SyncCore" and imports - {"Foundation"}:
            problems.append(f"{source.relative_to(root)}: the core imports Foundation only, not {sorted(imports - {'Foundation'})}")
        for module, home in ONLY_IN.items():
            if module in imports and name != home:
                problems.append(f"{source.relative_to(root)} imports {module}, which only {home} may use")
        if name not in SQL_HOMES:
            for number, line in enumerate(text.splitlines(), 1):
                if not line.lstrip().startswith("//") and SQL.search(line):
                    problems.append(f"{source.relative_to(root)}:{number}: SQL outside the store modules")

# `make run` builds syncd without the PostgreSQL trait so that no second TLS library is compiled:
# nothing it links may need swift-nio-ssl (AsyncHTTPClient and postgres-nio both do).
SECOND_TLS = {"AsyncHTTPClient", "NIOSSL", "PostgresNIO"}
def unconditional(dependency):
    kind, value = next(iter(dependency.items()))
    condition = value[-1] if kind in ("target", "product") else None
    return value[0], not (condition and condition.get("traits"))
seen, pending = set(), ["syncd"]
while pending:
    name = pending.pop()
    if name in seen or name not in targets:
        continue
    seen.add(name)
    for dependency in targets[name]["dependencies"]:
        module, always = unconditional(dependency)
        if not always:
            continue
        if module in SECOND_TLS:
            problems.append(f"{name} needs {module} without a trait: make run would compile a second TLS library")
        pending.append(module)

for line in problems:
    print(line)
print(f"architecture: {len(ALLOWED) + len(TEST_ALLOWED)} targets checked, {len(problems)} problem(s)")
sys.exit(1 if problems else 0)
