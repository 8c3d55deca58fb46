"""Start a job of several worker processes on 127.0.0.1, wait for them with
a time limit, and always stop them: the test's stand-in for a cluster."""

import json
import os
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
# Per job; the two workers share the machine's cores with the rest of CI.
TIMEOUT_S = 240


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(backend):
    env = {k: v for k, v in os.environ.items() if k not in ("XLA_FLAGS", "KERAS_BACKEND")}
    env.update(
        KERAS_BACKEND=backend,
        PYTHONPATH=os.pathsep.join([ROOT, env.get("PYTHONPATH", "")]),
        # One thread per worker: two workers on a shared 2-core machine.
        OMP_NUM_THREADS="1",
        TF_CPP_MIN_LOG_LEVEL="3",
    )
    return env


class Job:
    """``count`` processes of ``python script process_id port *args``."""

    def __init__(self, backend, script, out_dir, *args, count=2):
        self.out_dir = str(out_dir)
        port = str(free_port())
        self.logs = [os.path.join(self.out_dir, f"{os.path.basename(script)}.{i}.log")
                     for i in range(count)]
        os.makedirs(self.out_dir, exist_ok=True)
        self.procs = []
        for i, log in enumerate(self.logs):
            with open(log, "w") as f:
                self.procs.append(subprocess.Popen(
                    [sys.executable, os.path.join(HERE, script), str(i), port, *map(str, args)],
                    stdout=f, stderr=subprocess.STDOUT, env=_env(backend), start_new_session=True,
                ))

    def wait(self, index=None, timeout=TIMEOUT_S):
        """Wait for one worker (or all); return their exit codes. A worker
        that fails ends the job at once (the others would wait for it)."""
        procs = self.procs if index is None else [self.procs[index]]
        deadline = time.monotonic() + timeout
        while any(p.poll() is None for p in procs):
            failed = index is None and any(p.poll() not in (None, 0) for p in procs)
            if failed or time.monotonic() > deadline:
                self.kill()
                why = "a worker failed" if failed else f"still running after {timeout} s"
                raise AssertionError(f"{why}:\n{self.tails()}")
            time.sleep(0.2)
        return [p.returncode for p in procs]

    def kill(self):
        for p in self.procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()

    def tails(self, chars=3000):
        return "\n".join(f"--- {log}\n{open(log).read()[-chars:]}" for log in self.logs)

    def results(self):
        """The JSON each worker printed on its last ``RESULT`` line."""
        found = []
        for log in self.logs:
            lines = [ln for ln in open(log).read().splitlines() if ln.startswith("RESULT ")]
            assert lines, self.tails()
            found.append(json.loads(lines[-1][len("RESULT "):]))
        return found

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()
