"""``qms storage ...`` commands."""
import click


@click.group("storage")
def storage_group():
    """Almacén de archivos."""
