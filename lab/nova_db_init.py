#!/usr/bin/python3
"""Initialises Nova's API database and its cell0: nova_db_init.py NOVA_CONF CELL0_URL.

The same steps as "nova-manage api_db sync", "nova-manage cell_v2 map_cell0 --database_connection
CELL0_URL" and "nova-manage db sync --local_cell", in one process: each nova-manage run spends ~2 s of
CPU importing Nova, which matters on 2 cores. --local_cell because syncing the cell databases through
the mappings right after creating the cell0 mapping fails.
"""
import sys

from nova.cmd import manage  # noqa: first, it monkey-patches with eventlet
from nova import config
from nova import objects

conf_file, cell0_url = sys.argv[1:]
config.parse_args(["nova-manage", "--config-file", conf_file])
objects.register_all()
manage.ApiDbCommands().sync()
if manage.CellV2Commands().map_cell0(database_connection=cell0_url):
    sys.exit("map_cell0 failed")
manage.DbCommands().sync(local_cell=True)
