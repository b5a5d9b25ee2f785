"""`make demo` / `make demo-full` / `make demo-destroy`: an example against a local simulator.

Builds or finds the Pulumi engine, starts the simulator with its state in .demo/, runs
`pulumi up` (or destroy) of examples/quickstart (or, with `--example full-deployment`, the
template -> endpoint -> workergroups chain) through the Automation API with Pulumi's own
progress output, then prints the stack outputs and what the simulator holds, workers
included (its engine runs 10 times faster than real time).
"""

from __future__ import annotations

import argparse
import errno
import os
import runpy
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from pulumi_vast_serverless import VastClient
from pulumi_vast_serverless.simulator import Simulator, SimulatorControl
from pulumi_vast_serverless.simulator._engine import CYCLE
from pulumi_vast_serverless.testing import copy_project, local_stack

ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = Path(os.environ.get("VAST_DEMO_DIR") or ROOT / ".demo")
DEMO_KEY = "demo-local-key"
# Each example runs as its project (Pulumi.yaml, Pulumi.<stack>.yaml), copied into .demo/.
STACKS = {"quickstart": "demo", "full-deployment": "dev"}
# A fixed port keeps vast:apiUrl, and so the stack's provider config, the same each run.
DEMO_PORT = int(os.environ.get("VAST_DEMO_PORT", "18787"))
# The simulator's engine runs this many times faster than Vast's: workers load in 6 s.
ENGINE_SPEED = 10.0


def engine_dir() -> str:
    """Run scripts/ensure-pulumi (progress on stderr) and return its directory."""
    result = subprocess.run(
        [str(ROOT / "scripts" / "ensure-pulumi")], stdout=subprocess.PIPE, text=True, check=False
    )
    if result.returncode != 0:
        sys.exit("demo: the Pulumi engine could not be found or built (see above)")
    return result.stdout.strip().splitlines()[-1]


def project(example: str) -> Path:
    """The example's project directory, copied into .demo/projects/ (its stack files
    from earlier runs kept)."""
    return copy_project(ROOT / "examples" / example, DEMO_DIR / "projects" / example)


def show_simulator(api_url: str) -> None:
    # The engine acts on a change at its next cycle: let the one after this run's last
    # change come due, so what is shown is what the engine decided.
    time.sleep(CYCLE / ENGINE_SPEED + 0.1)
    client = VastClient(DEMO_KEY, base_url=api_url)
    endpoints = client.list_endpoints(fresh=True)
    groups = client.list_workergroups(fresh=True)
    templates = client.search_templates(private={"eq": True})
    print(
        f"\nThe simulator ({api_url}) holds {len(templates)} template(s), "
        f"{len(endpoints)} endpoint(s), {len(groups)} workergroup(s):"
    )
    for tmpl in templates:
        print(f"  template {tmpl['id']}: {tmpl['name']} {tmpl['image']}:{tmpl['tag']} ")
        print(f"    hash_id={tmpl['hash_id']}")
    for ep in endpoints:
        workers = client.endpoint_workers(ep["id"])
        print(
            f"  endpoint {ep['id']}: {ep['endpoint_name']} state={ep['endpoint_state']} "
            f"min_load={ep['min_load']} cold_workers={ep['cold_workers']} "
            f"max_workers={ep['max_workers']}: {len(workers)} worker(s) in all"
        )
    spend = client.endpoint_spend()
    if spend:
        now = sum(value or 0.0 for value in spend.values())
        print(f"  spending now: ${now:,.2f}/h (Vast's spend routes; workers loading bill too)")
    for wg in groups:
        print(
            f"  workergroup {wg['id']}: endpoint {wg['endpoint_id']} "
            f"template={wg['template_hash']} gpu_ram={wg['gpu_ram']} "
            f"search={wg.get('search_query')}"
        )
        states = Counter(w["status"] for w in client.workergroup_workers(wg["id"]))
        print(f"    workers: {', '.join(f'{n} {s}' for s, n in states.items()) or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("action", choices=("up", "destroy"))
    parser.add_argument("--example", choices=sorted(STACKS), default="quickstart")
    args = parser.parse_args()
    action, example = args.action, args.example
    pulumi_dir = engine_dir()
    DEMO_DIR.mkdir(exist_ok=True)
    try:
        simulator = Simulator(port=DEMO_PORT, state_path=str(DEMO_DIR / "simulator.sqlite"))
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        sys.exit(
            f"demo: port {DEMO_PORT} is taken (another `make demo` running?): stop it, or "
            f"choose another port, e.g. VAST_DEMO_PORT={DEMO_PORT + 1} make demo"
        )
    api_url = simulator.start()
    SimulatorControl(api_url).set_worker_speed(ENGINE_SPEED)
    print(f"demo: simulator at {api_url}, state in {DEMO_DIR}/", flush=True)
    try:
        directory = project(example)

        def program() -> None:
            runpy.run_path(str(directory / "__main__.py"), run_name="__main__")

        stack = local_stack(
            program,
            state_dir=DEMO_DIR / "pulumi-state",
            api_url=api_url,
            api_key=DEMO_KEY,
            stack_name=STACKS[example],
            pulumi_bin_dir=pulumi_dir,
            work_dir=directory,
        )
        if action == "up":
            # What the deploy can cost, as the preview estimates it, before anything exists.
            stack.preview(on_output=print, color="auto")
            result = stack.up(on_output=print, color="auto")
            print("\nStack outputs:")
            for name, value in sorted(result.outputs.items()):
                print(f"  {name}: {value.value}")
        else:
            stack.destroy(on_output=print, color="auto")
            # The demo's stack holds nothing now; drop it so no `pulumi stack rm` is owed.
            stack.workspace.remove_stack(stack.name)
            print("demo: stack removed", flush=True)
        show_simulator(api_url)
    finally:
        simulator.stop()


if __name__ == "__main__":
    main()
