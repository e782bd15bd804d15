"""Run Ralph's LRS API (PyPI ``ralph-malph`` 5.1) on its filesystem backend, for the xAPI test.
Runs with the Python of Ralph's own virtualenv; settings come from the environment
(``RALPH_AUTH_FILE``, ``RALPH_RUNSERVER_BACKEND=fs``, ``RALPH_BACKENDS__LRS__FS__…``).

One fix: Ralph 5.1's filesystem LRS writes each POST with the operation type "create", which
refuses to write to its statements file once the first POST made it — every later POST
answers 500 ("already exists and overwrite is not allowed"). A file-backed LRS appends, so
here a write without an operation type appends. (``ralph runserver`` is not used: it also
starts a file watcher that reloads the server when a file changes in its folder.)"""

import argparse

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

_write = FSLRSBackend.write


def _append(self, data, target=None, chunk_size=None, ignore_errors=False,
            operation_type=None):
    return _write(self, data, target, chunk_size, ignore_errors,
                  operation_type or BaseOperationType.APPEND)


FSLRSBackend.write = _append

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    from ralph.api import app  # after the fix: the API makes its backend when imported

    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
