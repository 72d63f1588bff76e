"""What the plan, destroy and scale benchmarks share: the emulator, Terraform working
directories, timed Terraform runs with provider memory sampling, and small statistics.

Every benchmark measures Bunker and hashicorp/aws in the same run against the same emulator
(scripts/emulator.sh on BENCH_EMULATOR_PORT, default 4610). Working directories are copies of
bench/<config> under .cache/bench/work/, so no Terraform state lands in the source tree.
"""
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PORT = int(os.environ.get("BENCH_EMULATOR_PORT", "4610"))
URL = f"http://127.0.0.1:{PORT}"
CACHE = ROOT / ".cache" / "bench"
WORK = CACHE / "work"
PLUGINS = Path(os.environ.get("BENCH_PLUGIN_DIR", CACHE / "plugins"))
AWS_VERSION = "5.100.0"
AWS_PLATFORM_DIR = Path("registry.terraform.io/hashicorp/aws", AWS_VERSION, "linux_amd64")
REGION = "us-east-1"
TIMEOUT = int(os.environ.get("BENCH_TIMEOUT", "900"))
MIB = 1024  # VmHWM is in kB


def env_int(name, default):
    return int(os.environ.get(name, default))


# ---- emulator ----

def emulator(verb):
    env = dict(os.environ, BUNKER_EMULATOR_PORT=str(PORT))
    out = subprocess.run([str(ROOT / "scripts" / "emulator.sh"), verb], env=env, check=True,
                         capture_output=True, text=True)
    return out.stdout


def admin(method, path, body=None, timeout=60):
    """Calls the emulator's /bunker-api/ admin route and returns the decoded JSON answer."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(URL + "/bunker-api" + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        raw = resp.read()
    return json.loads(raw) if raw else {}


def fresh_organisation():
    """Wipes the emulator and seeds the organisation; returns the seed JSON."""
    emulator("reset")
    return json.loads(emulator("seed"))


def members(count, label="bench"):
    """A fresh organisation plus a new OU (under the root) holding `count` new member accounts:
    (seed, ou, ids). Each account gets the seed's member deployment role, trusting the backup
    account, as seed.py gives its own members: with the emulator's authorization on (as on AWS),
    OrganizationAccountAccessRole trusts only the management account, so assume_role mode from
    the backup account needs `member_role_name = seed["member_deployment_role"]`."""
    seed = fresh_organisation()
    orgs = boto("organizations")
    root = orgs.list_roots()["Roots"][0]["Id"]
    ou = orgs.create_organizational_unit(ParentId=root, Name=f"{label}-{count}")[
        "OrganizationalUnit"]["Id"]
    ids = []
    for i in range(count):
        status = orgs.create_account(Email=f"{label}-{count}-{i}@bunker.example.com",
                                     AccountName=f"{label}-{count}-{i}")["CreateAccountStatus"]
        status = orgs.describe_create_account_status(
            CreateAccountRequestId=status["Id"])["CreateAccountStatus"]
        if status["State"] != "SUCCEEDED":
            raise RuntimeError(f"account {label}-{count}-{i} not created: {status}")
        ids.append(status["AccountId"])
        orgs.move_account(AccountId=status["AccountId"], SourceParentId=root,
                          DestinationParentId=ou)
        member_role(status["AccountId"], seed["backup_account_id"])
    return seed, ou, ids


def member_role(account, backup_account):
    """seed.py's ensure_member_role, on this emulator."""
    sys.path.insert(0, str(ROOT / "scripts" / "emulator"))
    import seed
    os.environ["BUNKER_EMULATOR_URL"] = URL  # seed.py's endpoint, read at each call
    seed.ensure_member_role(account, backup_account)


def warm(account):
    """The emulator's first IAM call in an account loads every AWS managed policy (~0.5 s or
    more): pay it before the clock runs, or whichever apply comes first carries it."""
    boto("iam", account).list_roles()
    boto("kms", account).list_keys()


def advance(duration):
    """Moves the emulator's clock (scripts/emulator.sh advance): the lines it reported."""
    return admin("POST", "/advance", {"duration": duration}, timeout=TIMEOUT)["lines"]


def emulator_pid():
    """The emulator's process id, from scripts/emulator.sh's pid file (None if unknown)."""
    name = "pid" if PORT == 4566 else f"pid-{PORT}"
    try:
        return int((ROOT / ".cache" / "emulator" / name).read_text().strip())
    except (OSError, ValueError):
        return None


def reset_peak(pid):
    """Resets the kernel's peak-RSS mark (VmHWM) of `pid` (proc(5), /proc/pid/clear_refs "5");
    False when that is not allowed here."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def calls():
    """Emulator call counters since the last zero: {"service.Operation": n}."""
    return dict(admin("GET", "/stats")["calls"])


def zero_calls():
    admin("DELETE", "/stats")


def set_latency(ms):
    """Adds ms to every call to every service (the emulator's latency rule); 0 clears it."""
    if ms <= 0:
        admin("DELETE", "/faults")
    else:
        admin("POST", "/faults", {"seed": 1, "rules": [
            {"service": "*", "fault": "latency", "latency_ms": ms}]})


def boto(service, account=None):
    """A boto3 client on the emulator, as the management account or (assumed) `account`."""
    import boto3
    kw = dict(endpoint_url=URL, region_name=REGION, aws_access_key_id="test",
              aws_secret_access_key="test")
    if account:
        creds = boto3.client("sts", **kw).assume_role(
            RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
            RoleSessionName="bench")["Credentials"]
        kw.update(aws_access_key_id=creds["AccessKeyId"],
                  aws_secret_access_key=creds["SecretAccessKey"],
                  aws_session_token=creds["SessionToken"])
    return boto3.client(service, **kw)


def state_machine_versions_served():
    """Whether the emulator answers ListStateMachineVersions, which hashicorp/aws reads for
    every aws_sfn_state_machine (moto 5.2.1 raises NotImplementedError)."""
    from botocore.config import Config
    import boto3
    sfn = boto3.client("stepfunctions", endpoint_url=URL, region_name=REGION,
                       aws_access_key_id="test", aws_secret_access_key="test",
                       config=Config(retries={"max_attempts": 1}))
    arn = f"arn:aws:states:{REGION}:123456789012:stateMachine:bench-probe"
    try:
        sfn.list_state_machine_versions(stateMachineArn=arn)
        return True
    except sfn.exceptions.StateMachineDoesNotExist:
        return True
    except Exception:  # 500 NotImplementedError, 404: not served
        return False


# ---- Terraform ----

def aws_mirror_candidates():
    """Where hashicorp/aws may be mirrored, in order: BUNKER_AWS_MIRROR; each filesystem_mirror
    path of the Terraform CLI configuration (TF_CLI_CONFIG_FILE, else ~/.terraformrc); then
    Terraform's implied local mirror directories on Linux (~/.terraform.d/plugins, then
    terraform/plugins under $XDG_DATA_HOME and each of $XDG_DATA_DIRS, with the XDG base
    directory defaults): developer.hashicorp.com/terraform/cli/config/config-file, "Implied Local
    Mirror Directories"."""
    if os.environ.get("BUNKER_AWS_MIRROR"):
        return [Path(os.environ["BUNKER_AWS_MIRROR"])]
    out = []
    config = Path(os.environ.get("TF_CLI_CONFIG_FILE") or Path.home() / ".terraformrc")
    if config.is_file():
        for block in re.findall(r"filesystem_mirror\s*\{([^}]*)\}", config.read_text()):
            path = re.search(r'\bpath\s*=\s*"([^"]+)"', block)
            if path:
                out.append(Path(path.group(1)))
    home = Path.home()
    out.append(home / ".terraform.d" / "plugins")
    data_home = os.environ.get("XDG_DATA_HOME") or str(home / ".local" / "share")
    data_dirs = os.environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share"
    for d in [data_home] + [d for d in data_dirs.split(":") if d]:
        out.append(Path(d) / "terraform" / "plugins")
    return out


def aws_mirror():
    """The filesystem mirror (unpacked layout) that holds hashicorp/aws AWS_VERSION for
    linux_amd64; exits naming what was searched when none does."""
    candidates = aws_mirror_candidates()
    for mirror in candidates:
        if list((mirror / AWS_PLATFORM_DIR).glob("terraform-provider-aws_v*")):
            return mirror
    sys.exit(f"bench: no filesystem mirror holds {AWS_PLATFORM_DIR}; searched "
             f"{', '.join(str(c) for c in candidates)}. Set BUNKER_AWS_MIRROR to the directory "
             f"that holds registry.terraform.io/, or name it in a filesystem_mirror block of the "
             f"Terraform CLI configuration")


def aws_provider():
    """The hashicorp/aws AWS_VERSION executable in its mirror."""
    return sorted((aws_mirror() / AWS_PLATFORM_DIR).glob("terraform-provider-aws_v*"))[0]


def cli_config():
    """CLI config: hashicorp/aws from its filesystem mirror (aws_mirror), ours from the bench's install dir
    (not ~/.terraform.d, which other work on the machine may reinstall meanwhile)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / "plugin-cache").mkdir(exist_ok=True)
    path = CACHE / "tf.rc"
    path.write_text(f"""plugin_cache_dir = "{CACHE / 'plugin-cache'}"
provider_installation {{
  filesystem_mirror {{
    path    = "{aws_mirror()}"
    include = ["registry.terraform.io/hashicorp/aws"]
  }}
  filesystem_mirror {{
    path    = "{PLUGINS}"
    include = ["terraform.local/bunker/backup"]
  }}
}}
""")
    return path


def tf_env():
    env = dict(os.environ, TF_CLI_CONFIG_FILE=str(cli_config()), TF_IN_AUTOMATION="1",
               AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_REGION=REGION,
               CHECKPOINT_DISABLE="1")
    for var in ("TF_LOG", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
        env.pop(var, None)
    return env


def workdir(config, name, variables):
    """A fresh copy of bench/<config> as .cache/bench/work/<name>, variables written, init run."""
    dest = WORK / name
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(ROOT / "bench" / config, dest,
                    ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*", "*.tfvars.json"))
    variables = dict(variables, endpoint=URL)
    (dest / "bench.auto.tfvars.json").write_text(json.dumps(variables))
    result = terraform(dest, "init", "-input=false")
    if result.rc != 0:
        raise RuntimeError(f"terraform init in {dest} failed:\n{result.output[-3000:]}")
    return dest


class Result:
    def __init__(self, wall, rc, output, provider_peak_kb, cli_peak_kb, launches):
        self.wall = wall
        self.rc = rc
        self.output = output
        self.provider_peak_kb = provider_peak_kb  # highest VmHWM of any provider process
        self.cli_peak_kb = cli_peak_kb
        self.launches = launches  # provider processes started

    def __repr__(self):
        return (f"Result(wall={self.wall:.2f}s rc={self.rc} provider={self.provider_peak_kb}kB "
                f"launches={self.launches})")


def terraform(cwd, *args, timeout=None):
    """Runs terraform, sampling VmHWM of its provider processes every 50 ms."""
    start = time.monotonic()
    # Own session: on a timeout the whole group (terraform and its providers) is ended.
    proc = subprocess.Popen(["terraform", *args, "-no-color"], cwd=cwd, env=tf_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    sampler = Sampler(proc.pid)
    sampler.start()
    try:
        out, _ = proc.communicate(timeout=timeout or TIMEOUT)
        rc = proc.returncode
        wall = time.monotonic() - start
    except subprocess.TimeoutExpired:
        wall = time.monotonic() - start
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            out, _ = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, _ = proc.communicate()
        out += f"\n[bench: killed after {timeout or TIMEOUT} s]"
        rc = -9
    sampler.stop()
    try:  # providers left behind by a killed terraform
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    return Result(wall, rc, out, sampler.provider_peak, sampler.cli_peak, len(sampler.providers))


class Sampler(threading.Thread):
    """Polls /proc for the descendants of one process and keeps their peak VmHWM."""

    def __init__(self, root):
        super().__init__(daemon=True)
        self.root = root
        self.providers = {}  # pid -> peak kB
        self.cli_peak = 0
        self._halt = threading.Event()

    @property
    def provider_peak(self):
        return max(self.providers.values(), default=0)

    def run(self):
        while not self._halt.is_set():
            self.sample()
            self._halt.wait(0.05)

    def stop(self):
        self._halt.set()
        self.join()

    def sample(self):
        children = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
        todo, seen = [self.root], []
        while todo:
            pid = todo.pop()
            seen.append(pid)
            todo.extend(children.get(pid, []))
        for pid in seen:
            hwm = vm_hwm(pid)
            if hwm is None:
                continue
            if pid == self.root:
                self.cli_peak = max(self.cli_peak, hwm)
            elif is_provider(pid):
                self.providers[pid] = max(self.providers.get(pid, 0), hwm)


def vm_hwm(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def is_provider(pid):
    """terraform-provider-aws_* itself, or the java process our launcher execs into."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmd = f.read().decode(errors="replace")
    except OSError:
        return False
    return "terraform-provider-" in cmd or "terraform.local/bunker/backup" in cmd


def must(result, what):
    if result.rc not in (0, 2):  # 2: plan -detailed-exitcode found changes
        raise RuntimeError(f"{what} failed (exit {result.rc}):\n{result.output[-4000:]}")
    return result


# ---- statistics and text ----

def p50(values):
    return statistics.median(values)


def p90(values):
    """Nearest-rank 90th percentile (the largest value for fewer than ten runs)."""
    ordered = sorted(values)
    rank = max(1, -(-9 * len(ordered) // 10))
    return ordered[rank - 1]


def mib(kb):
    return f"{kb / MIB:.0f}"


def secs(value):
    return f"{value:.2f}"


def verdict(ok):
    return "**met**" if ok else "**not met**"


def header(mode, command, extra):
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    return (f"\n### {mode} — {when}\n\nCommand: `{command}` ({extra}). "
            f"Commit: {commit()}. Machine: {os.environ.get('BENCH_MACHINE', 'unknown')}.\n")


def commit():
    """The measured tree: HEAD's short id, '+changes' when the work tree differs."""
    def git(*args):
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True,
                              text=True).stdout.strip()
    head = git("rev-parse", "--short", "HEAD") or "unknown"
    return head + ("+changes" if git("status", "--porcelain", "--untracked-files=no") else "")


def warnings_of(output):
    return [line.split("Warning:", 1)[1].strip() for line in output.splitlines()
            if "Warning:" in line]


if __name__ == "__main__":
    # scripts/bench.sh asks for the hashicorp/aws executable (common.py aws-provider),
    # scripts/test.sh for the mirror that holds it (common.py aws-mirror)
    if sys.argv[1:] == ["aws-provider"]:
        print(aws_provider())
    elif sys.argv[1:] == ["aws-mirror"]:
        print(aws_mirror())
    else:
        sys.exit("usage: common.py aws-provider | aws-mirror")
