"""Back up a whole instance while it serves, and restore it into an empty one.

Order of the backup, and why:

1. the keys (secret key, trail key): without the trail key the trail cannot be verified;
2. the trail's checkpoints, *before* the database: each was written from a committed
   head, so none is ahead of the snapshot taken next (verify would call that a cut);
3. the database snapshot (``qms.backup.database``), with the facts of that snapshot;
4. the stored files the snapshot refers to. Files are content-addressed and never
   overwritten, so copying them after the snapshot is consistent, and files written
   later are simply not needed;
5. ``manifest.json``, last.

A restore refuses a target that is not empty (database, file store or checkpoints), and
there is no ``--force``: overwriting a live instance by mistake cannot be undone. It
checks every file of the backup against the manifest before touching anything, then
restores, compares counts and trail head with the manifest, rebuilds the search index,
verifies the trail and checks the file store.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app

from qms.backup import database
from qms.backup import manifest as manifests
from qms.backup.manifest import BackupError, Facts
from qms.extensions import db
from qms.storage import store
from qms.timeutil import system_now
from qms.trail import checkpoints

KEYS = {"secret_key": ("SECRET_KEY", "QMS_SECRET_KEY"), "trail_key": ("TRAIL_KEY", "QMS_TRAIL_KEY")}
CHECKPOINTS = f"trail_checkpoints/{checkpoints.FILE_NAME}"


@dataclass
class BackupResult:
    folder: Path
    manifest: dict

    @property
    def problems(self) -> list[str]:
        return self.manifest["problems"]


@dataclass
class RestoreReport:
    manifest: dict
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def default_folder() -> Path:
    stamp = system_now().strftime("%Y%m%d-%H%M%S")
    return Path(current_app.config["INSTANCE_PATH"]) / "backups" / f"qms-{stamp}"


def backup(folder: Path | None = None) -> BackupResult:
    """Copy database, files, keys and checkpoints into ``folder`` and write the manifest.

    A stored file that is missing or altered is not copied; it is listed in the
    manifest's ``problems`` (the backup is then incomplete, and says so).
    """
    folder = Path(folder or default_folder())
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"La carpeta {folder} no está vacía; indique una carpeta nueva.")
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    files: dict[str, str] = {}
    for name, (setting, _variable) in KEYS.items():
        files[f"keys/{name}"] = _write_secret(folder / "keys" / name, current_app.config[setting])
    source = checkpoints.log_path()
    if source.exists():
        files[CHECKPOINTS] = manifests.copy_hashing(source, folder / CHECKPOINTS)
    db_file = database.file_name()
    facts = database.dump(folder / db_file)
    files[db_file] = manifests.sha256_file(folder / db_file)
    problems = _copy_stored(facts, folder, files)
    manifest = {
        "format": manifests.FORMAT, "app_version": manifests.app_version(),
        "created_at": system_now().isoformat(timespec="seconds"),
        "database": {"engine": database.engine_name(), "file": db_file},
        "counts": facts.counts, "trail_head": facts.trail_head,
        "keys": {name: "entorno" if os.environ.get(variable) else "archivo"
                 for name, (_setting, variable) in KEYS.items()},
        "files": files, "problems": problems,
    }
    manifests.write(folder, manifest)
    return BackupResult(folder, manifest)


def _write_secret(path: Path, value: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return manifests.sha256_file(path)


def _copy_stored(facts: Facts, folder: Path, files: dict[str, str]) -> list[str]:
    problems = []
    for sha256 in facts.stored:
        relative = store.path_for(sha256).relative_to(store.root())
        try:
            copied = manifests.copy_hashing(store.path_for(sha256), folder / "storage" / relative, mode=0o444)
        except FileNotFoundError:
            problems.append(f"falta en el almacén el archivo {sha256}")
            continue
        if copied != sha256:
            (folder / "storage" / relative).unlink()
            problems.append(f"el archivo {sha256} está alterado en el almacén (su contenido tiene SHA-256 {copied})")
            continue
        files[f"storage/{relative}"] = copied
    return problems


def restore(folder: Path) -> RestoreReport:
    """Restore the backup in ``folder`` into this (empty) instance and check the result."""
    folder = Path(folder)
    manifest = manifests.read(folder)
    report = RestoreReport(manifest)
    _check_backup_files(folder, manifest)
    engine = manifest["database"]["engine"]
    if engine != database.engine_name():
        raise BackupError(f"El respaldo es de {engine} y la base de datos de destino es {database.engine_name()}; "
                          "se restaura sobre el mismo motor.")
    _refuse_unless_empty()
    keys = _restore_keys(folder, report)
    database.load(folder / manifest["database"]["file"])
    if CHECKPOINTS in manifest["files"]:
        target = checkpoints.log_path()
        target.parent.mkdir(parents=True, exist_ok=True)
        manifests.copy_hashing(folder / CHECKPOINTS, target)
    for relative, sha256 in manifest["files"].items():
        if relative.startswith("storage/"):
            copied = manifests.copy_hashing(folder / relative, store.path_for(sha256), mode=0o600)
            if copied != sha256:
                report.problems.append(f"el archivo {sha256} cambió al copiarlo al almacén")
    report.problems += [f"respaldo incompleto: {problem}" for problem in manifest["problems"]]
    _compare_with_manifest(manifest, report)
    _rebuild_search(report)
    _verify(keys, report)
    if manifest["app_version"] != manifests.app_version():
        report.notes.append(f"el respaldo es de la versión {manifest['app_version']}; esta es "
                            f"{manifests.app_version()}: ejecute `qms init` para poner el esquema al día")
    return report


def _check_backup_files(folder: Path, manifest: dict) -> None:
    """Refuse a damaged backup before anything is written."""
    damaged = []
    for relative, sha256 in manifest["files"].items():
        path = folder / relative
        if not path.is_file():
            damaged.append(f"falta {relative}")
        elif manifests.sha256_file(path) != sha256:
            damaged.append(f"{relative} no coincide con el manifiesto")
    if damaged:
        shown = "; ".join(damaged[:10]) + (f" (y {len(damaged) - 10} más)" if len(damaged) > 10 else "")
        raise BackupError(f"El respaldo está dañado, no se restauró nada: {shown}.")


def _refuse_unless_empty() -> None:
    found = []
    if not database.is_empty():
        found.append("la base de datos tiene tablas")
    if any(path.is_file() for path in store.root().rglob("*")):
        found.append(f"el almacén {store.root()} tiene archivos")
    log = checkpoints.log_path()
    if log.exists() and log.stat().st_size:
        found.append(f"ya hay puntos de control en {log}")
    if found:
        raise BackupError("La instancia de destino no está vacía (" + "; ".join(found) + "). Restaure en una "
                          "instancia nueva: otra QMS_INSTANCE_PATH y una base de datos vacía.")


def _restore_keys(folder: Path, report: RestoreReport) -> dict[str, str]:
    """Put the backup's keys in the instance (or check the ones set in the environment)."""
    keys = {}
    instance = Path(current_app.config["INSTANCE_PATH"])
    for name, (setting, variable) in KEYS.items():
        value = (folder / "keys" / name).read_text().strip()
        keys[setting] = value
        configured = os.environ.get(variable)
        if configured and configured != value:
            if setting == "TRAIL_KEY":
                raise BackupError(f"{variable} no es la clave del respaldo: con ella la bitácora restaurada no se "
                                  "podría verificar. Quite la variable o ponga la clave del respaldo.")
            report.notes.append(f"{variable} difiere de la del respaldo: las sesiones abiertas se cierran")
            continue
        if not configured:
            # The instance is empty, so its freshly generated key has signed nothing yet.
            target = instance / name
            target.unlink(missing_ok=True)
            _write_secret(target, value)
        current_app.config[setting] = value
    return keys


def _compare_with_manifest(manifest: dict, report: RestoreReport) -> None:
    with db.engine.connect() as conn:
        facts = manifests.read_facts(conn.exec_driver_sql)
        conn.rollback()
    for table, expected in manifest["counts"].items():
        actual = facts.counts.get(table)
        if actual != expected:
            report.problems.append(f"la tabla {table} tiene {actual} filas; el manifiesto dice {expected}")
    if facts.trail_head != manifest["trail_head"]:
        report.problems.append(f"la cabeza de la bitácora es {facts.trail_head}; el manifiesto dice "
                               f"{manifest['trail_head']}")


def _rebuild_search(report: RestoreReport) -> None:
    from qms.search import maintenance

    try:
        stats = maintenance.rebuild()
    except TimeoutError as error:
        report.problems.append(f"no se pudo reconstruir el índice de búsqueda: {error}")
    else:
        report.notes.append(f"índice de búsqueda reconstruido: {stats['total']} entradas")


def _verify(keys: dict[str, str], report: RestoreReport) -> None:
    from qms.storage.check import check
    from qms.trail.chain import describe, key_bytes
    from qms.trail.verify import verify_chain

    chain_report = verify_chain(key=key_bytes(keys["TRAIL_KEY"]), release_between_batches=True)
    (report.notes if chain_report.ok else report.problems).append(describe(chain_report))
    files = check(grace_seconds=0)
    if files.ok:
        report.notes.append(f"almacén íntegro: {files.checked} archivos verificados")
    for problem in files.problems:
        report.problems.append(f"almacén: {problem.kind} {problem.sha256 or problem.path} ({problem.detail})")
