"""How many requests each step of a 4 x 2 stack sends (counts, not times).

Creates are one POST each; reads are shared: a list answers every operation whose needs
it meets, so lists stay far below one per create (and a group on an endpoint the same up
created needs no look before its create). An up or destroy refreshes first (one
list of each kind, whatever the size), so an unchanged up sends those two only; a preview
one offer search per distinct search (its cost estimate); a destroy deletes, and looks
once for other stacks' groups before deleting the endpoints.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pulumi

from pulumi_vast_serverless import Endpoint, Workergroup
from pulumi_vast_serverless.simulator import SimulatorControl, run_simulator
from pulumi_vast_serverless.testing import local_stack
from tests.support.keys import KEY_A

ENDPOINTS, GROUPS = 4, 2


def test_each_step_sends_only_what_it_needs(engine_dir: str, tmp_path: Path) -> None:
    spec = {"min_load": 1.0}

    def program() -> None:
        for n in range(ENDPOINTS):
            endpoint = Endpoint(f"ep{n}", endpoint_name=f"count-{n}", min_load=spec["min_load"])
            for g in range(GROUPS):
                Workergroup(
                    f"ep{n}-wg{g}", endpoint_id=endpoint.id, template_hash=f"t{g}", gpu_ram=8
                )
        pulumi.export("n", ENDPOINTS)

    with run_simulator() as url:
        control = SimulatorControl(url)
        stack = local_stack(
            program, state_dir=tmp_path, api_url=url, api_key=KEY_A, pulumi_bin_dir=engine_dir
        )
        seen = 0

        def sent() -> Counter[str]:
            nonlocal seen
            log = control.requests()[seen:]
            seen += len(log)
            assert [r for r in log if r["status"] == 429] == []
            return Counter(
                f"{r['method']} {r['path'].split('/')[3]}" for r in log if r["status"] != 429
            )

        printed: list[str] = []
        stack.up(on_output=printed.append)
        log = control.requests()[seen:]
        up = sent()
        # The 8 group creates queue behind their route's limit: said once, as the wait
        # starts, not once per request (the announcement's threshold is scaled like the
        # limits: 10 s at Vast's scale).
        queued = [line for line in printed if "workergroup creates queued behind" in line]
        assert 1 <= len(queued) <= 2, printed
        # A group on an endpoint this up created needs no look for one an earlier run left:
        # the first workergroup list is a read-back, after the first create.
        paths = [f"{r['method']} {r['path'].split('/')[3]}" for r in log]
        assert paths.index("POST autojobs") < paths.index("GET autojobs")
        assert up["POST endptjobs"] == ENDPOINTS
        assert up["POST autojobs"] == ENDPOINTS * GROUPS
        # One look before the creates, then reads after them, shared. Endpoint creates leave
        # one threshold apart (4 s) and an endpoint list may follow every 3 s, so each
        # create's read-back leaves alone at most: waiting to share one would hold back the
        # workergroup creates that need the endpoint.
        assert up["GET endptjobs"] <= ENDPOINTS + 1
        assert up["GET autojobs"] <= ENDPOINTS * GROUPS // 2 + 2
        assert (
            sum(up.values())
            == up["POST endptjobs"] + up["POST autojobs"] + up["GET endptjobs"] + up["GET autojobs"]
        )

        stack.up()  # its refresh: one list of each kind, whatever the size
        assert sent() == Counter({"GET endptjobs": 1, "GET autojobs": 1})
        stack.preview()  # its cost estimate: one offer search, every group searching alike
        assert sent() == Counter({"POST bundles": 1})
        stack.refresh()
        assert sent() == Counter({"GET endptjobs": 1, "GET autojobs": 1})

        spec["min_load"] = 2.0
        stack.up()
        update = sent()
        assert update["PUT endptjobs"] == ENDPOINTS
        assert update["GET endptjobs"] <= ENDPOINTS // 2 + 2
        assert update["GET autojobs"] == 1  # the refresh
        assert set(update) == {"PUT endptjobs", "GET endptjobs", "GET autojobs"}

        stack.destroy()
        gone = sent()
        assert gone["DELETE autojobs"] == ENDPOINTS * GROUPS
        assert gone["DELETE endptjobs"] == ENDPOINTS
        assert gone["GET endptjobs"] == 1  # the refresh
        # The refresh, then before the endpoints go, a look for other stacks' groups on
        # them: fresh lists, shared by the endpoint deletes that wait for one.
        assert 2 <= gone["GET autojobs"] <= 1 + ENDPOINTS
        assert set(gone) == {"DELETE autojobs", "DELETE endptjobs", "GET endptjobs", "GET autojobs"}
