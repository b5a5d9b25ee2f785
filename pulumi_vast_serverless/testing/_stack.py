"""A stack of an inline program on a local ``file://`` backend, as the tests and demo run it.

``local_stack`` refreshes before every ``up`` and ``destroy`` (Pulumi's ``refresh: always``
does the same, and before previews too): an object deleted or changed outside Pulumi is
seen, at the cost of one list per kind of object whatever the stack's size. A preview is
left to validate before any call with the key. A failure reads as one line
(``StackError``); the engine's whole output stays on the exception.
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from pulumi import automation as auto

from ..providers import API_KEY_CONFIG, API_URL_CONFIG, STRICT_CONFIG
from ._interrupt import Interrupts

_Result = TypeVar("_Result")

# Encrypts secrets of a local file backend that only ever holds simulator state.
LOCAL_PASSPHRASE = "local-simulator-only"  # noqa: S105
# Diagnostics lines that repeat or frame the error rather than say it.
_FRAMING = re.compile(
    r"^(update|preview|destroy|refresh) failed$|^Resource monitor has terminated|"
    r"^Exception calling application: |^\d+ errors? occurred"
)


# What `pulumi stack output --json` shows in place of a secret value.
_SECRET_SHOWN_AS = "[secret]"  # noqa: S105 (a placeholder, not a password)
# How the engine words a provider's check failure, before the reason itself.
_CHECK_FAILURE = re.compile(r"^\S+ resource '[^']*'(: property \S+ value \{.*?\})? has a problem: ")


class StackError(auto.CommandError):
    """A failed ``up``, ``preview``, ``refresh`` or ``destroy``, as one line.

    ``str()`` is the first error the engine reported, with the resource it is about;
    ``full`` is the engine's whole output (what ``auto.CommandError`` shows).
    """

    def __init__(self, failure: auto.CommandError) -> None:
        # CommandError wants a CommandResult to print; the one line is the message here.
        Exception.__init__(self, first_error(str(failure)))
        self.name = type(failure).__name__
        self.full = str(failure)


_LOCKED = re.compile(
    r"the stack is currently locked.*?\n\s*(?P<file>\S+?)(\?\S*)?: created by (?P<who>.+)", re.S
)
# What Vast answers a key it does not take, as the client words it.
_REFUSED_KEY = re.compile(r"HTTP 401\b")
# A resource's row when the refresh before an up failed on it.
_REFRESH_FAILED = re.compile(r"\brefreshing failed\b|\brefreshing \([^)]*\) error: ")
KEY_CHANGED_HINT = (
    "if you have just set a new vast:apiKey: the refresh before an up reads each resource "
    "with the key recorded at its last deploy; run `up(refresh=False)` once (`pulumi up "
    "--refresh=false` in a shell) to record the new key, and refresh again after"
)


def first_error(output: str) -> str:
    """The first error line of the engine's output, prefixed with its resource; a plugin
    that failed to start gets what it printed (the reason) appended; a stack locked by a
    run that did not end says whose lock it is and how to remove it."""
    locked = _LOCKED.search(output)
    if locked:
        return (
            f"the stack is locked by a run that has not ended (lock {locked['file']}, created "
            f"by {locked['who'].strip()}): if that run is over (interrupted, killed, its "
            "machine gone), remove the lock with `stack.cancel()` (`pulumi cancel` in a "
            "shell) and run again; the next up refreshes and converges"
        )
    resource, printed = "", ""
    diagnostics = output.split("Diagnostics:", 1)[-1].splitlines()
    for index, raw in enumerate(diagnostics):
        line = raw.strip()
        header = re.fullmatch(r"(\S+:\S+) \((.+)\):", line)  # `<type token> (<name>):`
        if header:
            token, name = header.groups()
            kind = token.rsplit(":", 1)[-1]
            engine_own = kind == "Stack" or token.startswith("pulumi:providers:")
            resource = "" if engine_own else f"{kind} {name!r}: "
            continue
        if line and not line.startswith("error: "):
            printed = line
            continue
        message = line.removeprefix("error: ").removeprefix("python inline source runtime error: ")
        message = _CHECK_FAILURE.sub("", message)  # the resource is named once, in front
        if line and not _FRAMING.search(message):
            # The engine relays a plugin's stderr as it comes: before its error, or after.
            printed = printed or _printed_after(diagnostics[index + 1 :])
            if "plugin" in message and printed:
                message += f" ({printed})"
            return resource + message
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return lines[-1] if lines else "the Pulumi command failed"


def _printed_after(lines: list[str]) -> str:
    """The first line a plugin printed among the diagnostics after an error, if any."""
    for raw in lines:
        line = raw.strip()
        if raw[:1].strip():
            break  # the diagnostics are indented; "Resources:" and the rest are not
        if re.fullmatch(r"\S+:\S+ \(.+\):", line) or not line:
            continue
        if not line.startswith("error: ") and not _FRAMING.search(line):
            return line
    return ""


class LocalStack(auto.Stack):
    """``auto.Stack`` that refreshes first on ``up`` and ``destroy`` (unless told
    ``refresh=False``), fails with one line (``StackError``), reads outputs with one CLI
    call when none is secret, and leaves secrets out of its results' summaries (each
    decryption derives the passphrase's key again)."""

    def outputs(self) -> auto.OutputMap:
        """The outputs of the last update, as ``auto.Stack.outputs`` gives them.

        The SDK always asks the CLI twice, once for the plaintext: that call derives the
        passphrase's key (a third of a second of CPU after every ``up``). Without a secret
        among the outputs, the masked answer is the plaintext.
        """
        masked = self._run_pulumi_cmd_sync(["stack", "output", "--json"]).stdout
        if json.dumps(_SECRET_SHOWN_AS) not in masked:
            return {k: auto.OutputValue(v, secret=False) for k, v in json.loads(masked).items()}
        hidden = json.loads(masked)
        command = ["stack", "output", "--json", "--show-secrets"]
        plaintext = json.loads(self._run_pulumi_cmd_sync(command).stdout)
        return {
            k: auto.OutputValue(v, secret=hidden.get(k) == _SECRET_SHOWN_AS)
            for k, v in plaintext.items()
        }

    def up(self, *args: Any, **kwargs: Any) -> auto.UpResult:
        kwargs.setdefault("refresh", True)
        # The summary's config without secrets: decrypting them costs the passphrase's key
        # derivation once more (a third of a second of CPU per up).
        kwargs.setdefault("show_secrets", False)
        try:
            return self._command(super().up, args, kwargs)
        except StackError as error:
            if _REFUSED_KEY.search(str(error)) and _REFRESH_FAILED.search(error.full):
                error.args = (f"{error} ({KEY_CHANGED_HINT})",)
            raise

    def destroy(self, *args: Any, **kwargs: Any) -> auto.DestroyResult:
        kwargs.setdefault("refresh", True)
        kwargs.setdefault("show_secrets", False)  # as for up
        # The CLI's closing advice names a command a local_stack user does not have.
        shown = kwargs.get("on_output")
        if shown is not None:
            kwargs["on_output"] = lambda line: shown(_as_local(line, self.name))
        result = self._command(super().destroy, args, kwargs)
        result.stdout = _as_local(result.stdout, self.name)
        return result

    def preview(self, *args: Any, **kwargs: Any) -> auto.PreviewResult:
        return self._command(super().preview, args, kwargs)

    def refresh(self, *args: Any, **kwargs: Any) -> auto.RefreshResult:
        kwargs.setdefault("show_secrets", False)  # as for up
        return self._command(super().refresh, args, kwargs)

    def _command(
        self, run: Callable[..., _Result], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> _Result:
        """Run one engine command: a failure as one line, Ctrl-C as the CLI takes it at a
        terminal (see ``_interrupt``)."""
        interrupts = Interrupts()
        shown = kwargs.get("on_output")
        if shown is not None:
            shown = _warning_once(shown)
        if shown is not None:
            # The engine writes some modes' diagnostics (a preview with diff=True) to its
            # stderr: a caller who reads the output reads them too.
            kwargs.setdefault("on_error", shown)
        kwargs["on_output"] = interrupts.watch(shown)
        with interrupts.taken():
            try:
                return run(*args, **kwargs)
            except auto.CommandError as failure:
                error = StackError(failure)
                if interrupts.count:
                    error.args = (interrupts.message(),)
                raise error from None


# A resource's row in the engine's line output that ends with a diagnostic: the engine
# prints the row again at each of its steps, the last message with it.
_ROW_WARNING = re.compile(r"^(?P<row>\s*\S*\s+\S+:\S+ \S+.*?) (?P<warning>warning: .+)$")
_RESOURCE = re.compile(r"\S+:\S+ \S+")  # a row's type token and name


def _warning_once(shown: Callable[[str], Any]) -> Callable[[str], Any]:
    """``shown`` with each resource's warning on its first row only (the diagnostics
    summary at the end keeps its own copy)."""
    seen: set[tuple[str, str]] = set()

    def once(line: str) -> Any:
        row = _ROW_WARNING.match(line)
        if row is not None:
            resource = _RESOURCE.search(row["row"])
            key = (resource.group(0) if resource else row["row"], row["warning"])
            if key in seen:
                return shown(row["row"].rstrip())
            seen.add(key)
        return shown(line)

    return once


def _as_local(text: str, stack: str) -> str:
    """The CLI's "run `pulumi stack rm NAME`" as a ``local_stack`` user runs it."""
    return text.replace(
        f"run `pulumi stack rm {stack}`",
        f"run `stack.workspace.remove_stack({stack!r})` (`pulumi stack rm {stack}` in a shell)",
    )


def local_stack(
    program: Callable[[], None],
    *,
    state_dir: str | os.PathLike[str],
    api_url: str,
    api_key: str = "local-simulator-key",
    stack_name: str = "local",
    project_name: str = "vast-local",
    pulumi_bin_dir: str | None = None,
    env: Mapping[str, str] | None = None,
    work_dir: str | os.PathLike[str] | None = None,
    strict: bool = False,
) -> LocalStack:
    """Create or select a stack with a ``file://`` backend in ``state_dir``.

    ``pulumi_bin_dir`` is a directory holding ``pulumi`` and
    ``pulumi-resource-pulumi-python``; without it the CLI on PATH is used. ``work_dir`` is
    a project directory to use as it is (its ``Pulumi.yaml`` and ``Pulumi.<stack>.yaml``,
    which this writes the API settings into); without it a project named ``project_name``
    is kept in ``state_dir`` (``projects/<project>/<stack>/``), with the stack's config.
    ``up`` and ``destroy`` refresh first unless given ``refresh=False``. ``strict`` sets
    ``vast:strict``: this package's warnings fail the preview (for CI).
    """
    state = Path(state_dir).resolve()
    state.mkdir(parents=True, exist_ok=True)
    env_vars = {
        "PULUMI_CONFIG_PASSPHRASE": LOCAL_PASSPHRASE,
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        # The provider process must import this package: run it with this interpreter.
        "PULUMI_PYTHON_CMD": sys.executable,
        "PULUMI_HOME": str(state / ".pulumi-home"),
        **(env or {}),
    }
    command = None
    if pulumi_bin_dir:
        # Before the PATH given in ``env`` (a plugin's directory, say), else the process's.
        path = (env or {}).get("PATH", os.environ.get("PATH", ""))
        env_vars["PATH"] = pulumi_bin_dir + os.pathsep + path
        command = _command(str(Path(pulumi_bin_dir).parent))
    settings = None
    if work_dir is None:
        # Not Pulumi's default, a new temporary directory per workspace that nothing removes:
        # a test suite would leave hundreds behind. One per stack also keeps each stack's
        # config file apart from its siblings' when several run at once.
        work_dir = state / "projects" / project_name / stack_name
        work_dir.mkdir(parents=True, exist_ok=True)
        settings = auto.ProjectSettings(
            name=project_name,
            runtime="python",
            main=os.getcwd(),
            backend=auto.ProjectBackend(url=state.as_uri()),
        )
    else:
        env_vars["PULUMI_BACKEND_URL"] = state.as_uri()
    workspace = auto.LocalWorkspace(
        work_dir=str(work_dir),
        program=program,
        pulumi_command=command,
        env_vars=env_vars,
        project_settings=settings,
    )
    stack = _open(stack_name, workspace, state)
    # Stack.create and Stack.select make a plain Stack whatever the class they are called on.
    stack.__class__ = LocalStack
    assert isinstance(stack, LocalStack)
    config = {
        API_KEY_CONFIG: auto.ConfigValue(api_key, secret=True),
        API_URL_CONFIG: auto.ConfigValue(api_url),
    }
    if strict:
        config[STRICT_CONFIG] = auto.ConfigValue("true")
    stack.set_all_config(config)
    return stack


@functools.cache
def _command(root: str) -> auto.PulumiCommand:
    """The CLI under ``root``, once per process: making one runs `pulumi version`."""
    return auto.PulumiCommand(root=root)


def _open(stack_name: str, workspace: auto.LocalWorkspace, state: Path) -> auto.Stack:
    """Select the stack when the backend holds one of that name, else create it: one CLI
    call either way (``create_or_select`` tries a select first: two for a new stack)."""
    known = any((state / ".pulumi" / "stacks").glob(f"**/{stack_name}.json"))
    try:
        if known:
            return auto.Stack.select(stack_name, workspace)
        return auto.Stack.create(stack_name, workspace)
    except (auto.StackNotFoundError, auto.StackAlreadyExistsError):
        return auto.Stack.create_or_select(stack_name, workspace)
