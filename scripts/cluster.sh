#!/usr/bin/env bash
# A real Kubernetes control plane for the tests, on 127.0.0.1 only: etcd, kube-apiserver (TLS,
# RBAC + Node authorization, client-certificate users, ServiceAccount tokens),
# kube-controller-manager, kube-scheduler and kwok as the kubelet of a few fake Nodes whose pods get
# loopback IPs (127.1.0.0/16), so a test can serve a pod's port on its IP.
#
#   scripts/cluster.sh up        start (fails clearly when a port is busy or it is already up);
#                                waits until every component is healthy and the Nodes are Ready
#   scripts/cluster.sh env       prints `export KUBECONFIG=...` (eval "$(scripts/cluster.sh env)")
#   scripts/cluster.sh down      stops every process `up` started and checks none is left
#   scripts/cluster.sh status    which components run
#   scripts/cluster.sh restart-apiserver   stops kube-apiserver and starts it again (tests use it)
#
# Binaries: scripts/k8s-bin.sh (built once into a cache; K8S_BIN=DIR to use another directory).
# State (certificates, kubeconfigs, etcd data, logs, pidfiles): CLUSTER_DIR, default build/cluster.
# Ports: CLUSTER_PORT_BASE (default 16000) + 379/380 (etcd), 443 (apiserver), 257 (controller
# manager), 259 (scheduler); they must stay within 16000-16999. CLUSTER_NODES (default 3) fake Nodes.
# CLUSTER_PROFILING=true serves kube-apiserver's /debug/pprof (to the admin; benchmarks use it).
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"

DIR="${CLUSTER_DIR:-$root/build/cluster}"
BASE="${CLUSTER_PORT_BASE:-16000}"
NODES="${CLUSTER_NODES:-3}"
UP_TIMEOUT="${CLUSTER_UP_TIMEOUT:-120}"
PROFILING="${CLUSTER_PROFILING:-false}"
[[ $PROFILING == true || $PROFILING == false ]] || { echo "cluster.sh: CLUSTER_PROFILING must be true or false, not '$PROFILING'" >&2; exit 2; }
ETCD_PORT=$((BASE + 379))
ETCD_PEER_PORT=$((BASE + 380))
API_PORT=$((BASE + 443))
KCM_PORT=$((BASE + 257))
SCHED_PORT=$((BASE + 259))
PORTS=("$ETCD_PORT" "$ETCD_PEER_PORT" "$API_PORT" "$KCM_PORT" "$SCHED_PORT")
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)
POD_CIDR=127.1.0.0/16
SA_ISSUER=https://kubernetes.default.svc.cluster.local

say() { echo "cluster: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# poll SECONDS WHAT CMD...: runs CMD every 0.5 s until it succeeds; fails naming WHAT after SECONDS.
poll() {
  local secs=$1 what=$2; shift 2
  local deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

pid_of() { [[ -f $DIR/$1.pid ]] && cat "$DIR/$1.pid"; }

# A pid is ours only while it is alive and its command line names our state dir: never signal a
# reused pid.
alive() {
  local pid=$1
  [[ -n $pid && -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$DIR/"
}

running() { local p; p=$(pid_of "$1" 2>/dev/null) && alive "$p"; }

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Every component process whose command line names the state dir (what `down` must leave none of).
leftovers() {
  local d cmd exe
  for d in /proc/[0-9]*; do
    cmd=$(tr '\0' ' ' 2>/dev/null <"$d/cmdline") || continue
    [[ $cmd == *"$DIR/"* ]] || continue
    exe=$(basename "${cmd%% *}")
    [[ " ${COMPONENTS[*]} " == *" $exe "* ]] && echo "${d#/proc/} ${cmd:0:160}"
  done
  return 0
}

no_leftovers() { [[ -z $(leftovers) ]]; }

binaries() {
  if [[ -n ${K8S_BIN:-} ]]; then
    BIN=$K8S_BIN
  else
    BIN=$("$root/scripts/k8s-bin.sh") || die "cannot build or find the binaries (scripts/k8s-bin.sh)"
  fi
  local b
  for b in "${COMPONENTS[@]}" kubectl; do
    [[ -x $BIN/$b ]] || die "$BIN/$b missing: run scripts/k8s-bin.sh"
  done
}

kwok_stages() {
  local dir
  dir=$(cd "$root/tools/kwok" && GOFLAGS=-mod=mod GOTOOLCHAIN=local go list -m -f '{{.Dir}}' sigs.k8s.io/kwok 2>/dev/null) \
    || die "cannot find the kwok module (cd tools/kwok && go mod download)"
  local f
  : >"$DIR/kwok-stages.yaml"
  # node heartbeats through Leases (kube-node-lease) renewed by kwok: without them the node lifecycle
  # controller marks the nodes' pods NotReady ("NodeNotReady") a few seconds after they start
  for f in "$dir"/kustomize/stage/node/fast/*.yaml "$dir"/kustomize/stage/node/heartbeat-with-lease/*.yaml \
    "$dir"/kustomize/stage/pod/fast/*.yaml; do
    [[ $(basename "$f") == kustomization.yaml ]] && continue
    { cat "$f"; echo "---"; } >>"$DIR/kwok-stages.yaml"
  done
  grep -q 'kind: Stage' "$DIR/kwok-stages.yaml" || die "no kwok stages found under $dir/kustomize/stage"
}

certs() {
  local p=$DIR/pki
  mkdir -p "$p"
  (
    cd "$p"
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 \
      -subj "/CN=procservice-test-ca" -keyout ca.key -out ca.crt
    client() { # name CN [O]
      openssl req -newkey rsa:2048 -nodes -subj "/CN=$2${3:+/O=$3}" \
        -keyout "$1.key" -out "$1.csr"
      openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 \
        -extfile <(printf 'keyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n') -out "$1.crt"
    }
    openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" \
      -keyout apiserver.key -out apiserver.csr
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 -out apiserver.crt \
      -extfile <(printf 'keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:10.96.0.1\n')
    client admin admin system:masters
    client kube-controller-manager system:kube-controller-manager
    client kube-scheduler system:kube-scheduler
    client kwok kwok system:masters
    # ServiceAccount token signing keys (RSA everywhere: fabric8 reads client keys as RSA by default)
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out sa.key
    openssl pkey -in sa.key -pubout -out sa.pub
    rm -f ./*.csr ca.srl
  ) >"$DIR/logs/openssl.log" 2>&1 || die "certificate generation failed: see $DIR/logs/openssl.log"
}

kubeconfig() { # user file
  local p=$DIR/pki
  cat >"$2" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: procservice-test
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority: $p/ca.crt
users:
- name: $1
  user:
    client-certificate: $p/$1.crt
    client-key: $p/$1.key
contexts:
- name: $1@procservice-test
  context: {cluster: procservice-test, user: $1, namespace: default}
current-context: $1@procservice-test
EOF
}

start() { # name binary args...
  local name=$1 pid; shift
  "$@" >>"$DIR/logs/$name.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$DIR/$name.pid"
  # Until the forked shell has exec'd the binary, its command line is this script's, and `alive`
  # would call it gone (a busy machine widens that gap: an `up` once failed with "kube-apiserver
  # exited" and an empty log, and its clean-up missed a kube-scheduler that exec'd a moment later).
  local deadline=$((SECONDS + 10))
  until alive "$pid" || ! kill -0 "$pid" 2>/dev/null; do
    ((SECONDS < deadline)) || die "$name (pid $pid) did not start $1 within 10 s"
    sleep 0.05
  done
}

start_apiserver() {
  local p=$DIR/pki
  start kube-apiserver "$BIN/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$API_PORT" \
    --cert-dir="$DIR/apiserver" \
    --tls-cert-file="$p/apiserver.crt" --tls-private-key-file="$p/apiserver.key" \
    --client-ca-file="$p/ca.crt" \
    --authorization-mode=Node,RBAC \
    --service-account-issuer="$SA_ISSUER" \
    --service-account-key-file="$p/sa.pub" --service-account-signing-key-file="$p/sa.key" \
    --service-cluster-ip-range=10.96.0.0/16 \
    --allow-privileged=false --profiling="$PROFILING" \
    --enable-admission-plugins=NodeRestriction --endpoint-reconciler-type=none \
    --audit-policy-file="$DIR/audit-policy.yaml" --audit-log-path="$DIR/logs/audit.log" \
    --audit-log-format=json --audit-log-maxsize=200
}

apiserver_ready() {
  curl -fs --max-time 2 --cacert "$DIR/pki/ca.crt" --cert "$DIR/pki/admin.crt" --key "$DIR/pki/admin.key" \
    "https://127.0.0.1:$API_PORT/readyz"
}

healthz() { curl -fsk --max-time 2 "https://127.0.0.1:$1/healthz"; }

# Ready, and untainted: the node lifecycle controller lifts the not-ready taint the API server put on
# at creation; until then the scheduler places nothing.
nodes_ready() {
  local ready
  ready=$("$BIN/kubectl" --kubeconfig "$DIR/kubeconfig" get nodes \
    -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}/{.spec.taints}{"\n"}{end}' | grep -c '^True/$')
  [[ $ready -ge $NODES ]]
}

# wait_for SECONDS COMPONENT WHAT CMD...: also fails at once when COMPONENT's process exited.
wait_for() {
  local secs=$1 comp=$2 what=$3; shift 3
  local deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    running "$comp" || { tail -n 20 "$DIR/logs/$comp.log" >&2; die "$comp exited while waiting for $what (log: $DIR/logs/$comp.log)"; }
    ((SECONDS < deadline)) || { tail -n 20 "$DIR/logs/$comp.log" >&2; die "$what not within ${secs}s (log: $DIR/logs/$comp.log)"; }
    sleep 0.5
  done
}

up() {
  local c p busy=()
  ((BASE >= 16000 && BASE + 459 <= 16999)) || die "CLUSTER_PORT_BASE=$BASE puts ports outside 16000-16999"
  for c in "${COMPONENTS[@]}"; do
    running "$c" && die "already up in $DIR ($c pid $(pid_of "$c")): run 'scripts/cluster.sh down' first"
  done
  for p in "${PORTS[@]}"; do port_busy "$p" && busy+=("$p"); done
  ((${#busy[@]} == 0)) || die "port(s) ${busy[*]} on 127.0.0.1 already in use (another cluster or program: ss -ltnp | grep -E '$(IFS='|'; echo "${busy[*]}")'); stop it or set CLUSTER_PORT_BASE"
  binaries
  local started=$SECONDS
  if [[ -e $DIR ]]; then
    [[ -f $DIR/.procservice-cluster ]] || die "$DIR exists and is not a cluster state dir made by this script: refusing to wipe it"
    rm -rf "$DIR"
  fi
  mkdir -p "$DIR/logs" "$DIR/etcd" "$DIR/apiserver" "$DIR/kcm" "$DIR/scheduler"
  chmod 700 "$DIR/etcd"
  touch "$DIR/.procservice-cluster"
  trap 'rc=$?; if ((rc != 0)); then say "up failed; stopping what started"; down_quiet; fi' EXIT
  certs
  kwok_stages
  # Audit: every request of a ServiceAccount in procservice-system (the operator's identity in the
  # tests), at Metadata level: which verbs it used and which it was refused (scripts/rbac-audit.sh).
  cat >"$DIR/audit-policy.yaml" <<'EOF'
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: Metadata
  userGroups: ["system:serviceaccounts:procservice-system"]
- level: None
EOF
  kubeconfig admin "$DIR/kubeconfig"
  kubeconfig kube-controller-manager "$DIR/kcm.kubeconfig"
  kubeconfig kube-scheduler "$DIR/scheduler.kubeconfig"
  kubeconfig kwok "$DIR/kwok.kubeconfig"

  say "etcd on 127.0.0.1:$ETCD_PORT"
  start etcd "$BIN/etcd" --name=procservice-test --data-dir="$DIR/etcd" \
    --listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster="procservice-test=http://127.0.0.1:$ETCD_PEER_PORT" \
    --unsafe-no-fsync --quota-backend-bytes=1073741824 --log-level=warn
  wait_for 30 etcd "etcd health" curl -fs --max-time 2 "http://127.0.0.1:$ETCD_PORT/health"

  say "kube-apiserver on https://127.0.0.1:$API_PORT"
  start_apiserver
  wait_for 60 kube-apiserver "kube-apiserver /readyz" apiserver_ready

  say "kube-controller-manager, kube-scheduler, kwok"
  start kube-controller-manager "$BIN/kube-controller-manager" \
    --kubeconfig="$DIR/kcm.kubeconfig" \
    --authentication-kubeconfig="$DIR/kcm.kubeconfig" --authorization-kubeconfig="$DIR/kcm.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$KCM_PORT" --cert-dir="$DIR/kcm" \
    --leader-elect=false --use-service-account-credentials=true \
    --service-account-private-key-file="$DIR/pki/sa.key" --root-ca-file="$DIR/pki/ca.crt" \
    --controllers=garbage-collector-controller,deployment-controller,replicaset-controller,namespace-controller,serviceaccount-controller,serviceaccount-token-controller,root-ca-certificate-publisher-controller,pod-garbage-collector-controller,node-lifecycle-controller
  start kube-scheduler "$BIN/kube-scheduler" \
    --kubeconfig="$DIR/scheduler.kubeconfig" \
    --authentication-kubeconfig="$DIR/scheduler.kubeconfig" --authorization-kubeconfig="$DIR/scheduler.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$SCHED_PORT" --cert-dir="$DIR/scheduler" --leader-elect=false
  start kwok "$BIN/kwok" --kubeconfig="$DIR/kwok.kubeconfig" --config="$DIR/kwok-stages.yaml" \
    --manage-all-nodes=true --cidr="$POD_CIDR" --node-ip=127.0.0.1 --node-lease-duration-seconds=40
  wait_for 60 kube-controller-manager "kube-controller-manager /healthz" healthz "$KCM_PORT"
  wait_for 60 kube-scheduler "kube-scheduler /healthz" healthz "$SCHED_PORT"

  local i
  for i in $(seq 1 "$NODES"); do
    cat <<EOF
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$i
  annotations: {kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: "0"}
  labels: {type: kwok, kubernetes.io/hostname: kwok-node-$i, kubernetes.io/os: linux, kubernetes.io/arch: amd64}
---
EOF
  done | "$BIN/kubectl" --kubeconfig "$DIR/kubeconfig" apply -f - >"$DIR/logs/nodes.log" 2>&1 \
    || die "cannot create the Nodes: $(cat "$DIR/logs/nodes.log")"
  wait_for 60 kwok "$NODES Nodes Ready" nodes_ready
  # ServiceAccounts and the kube-root-ca.crt ConfigMap come from the controller manager: tests
  # creating pods or tokens in "default" need them.
  wait_for 60 kube-controller-manager "ServiceAccount default/default" \
    "$BIN/kubectl" --kubeconfig "$DIR/kubeconfig" get serviceaccount default -n default

  cat >"$DIR/cluster.env" <<EOF
export KUBECONFIG=$DIR/kubeconfig
export K8S_BIN=$BIN
export CLUSTER_DIR=$DIR
EOF
  trap - EXIT
  say "up in $((SECONDS - started)) s: $NODES Nodes Ready, pod IPs from $POD_CIDR; logs in $DIR/logs"
  say "use it with: eval \"\$(scripts/cluster.sh env)\"   (kubectl: $BIN/kubectl)"
}

# Stops one component: SIGTERM, SIGKILL after 15 s; fails when it is still there.
stop() {
  local c=$1 pid
  pid=$(pid_of "$c" 2>/dev/null) || return 0
  if alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    if ! poll 15 "$c to stop" bash -c "! kill -0 $pid"; then
      say "$c (pid $pid) ignored SIGTERM for 15 s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      poll 5 "$c to die" bash -c "! kill -0 $pid" || die "$c (pid $pid) survived SIGKILL"
    fi
  fi
  rm -f "$DIR/$c.pid"
}

down_quiet() {
  local i pid rest
  for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do stop "${COMPONENTS[i]}" || true; done
  # Whatever still names the state dir (a pidfile lost or overwritten): SIGKILL, it is ours.
  while read -r pid rest; do
    [[ -n $pid ]] || continue
    say "stopping a leftover: $pid $rest"
    kill -KILL "$pid" 2>/dev/null || true
  done < <(leftovers)
  poll 5 "leftovers to die" no_leftovers || true
}

down() {
  [[ -d $DIR ]] || { say "nothing to stop ($DIR does not exist)"; return 0; }
  down_quiet
  local left
  left=$(leftovers)
  [[ -z $left ]] || die "processes still running with $DIR in their command line:"$'\n'"$left"
  say "down: no process left (state and logs kept in $DIR)"
}

status() {
  local c rc=0
  for c in "${COMPONENTS[@]}"; do
    if running "$c"; then echo "$c running (pid $(pid_of "$c"))"; else echo "$c stopped"; rc=1; fi
  done
  return $rc
}

env_() {
  [[ -f $DIR/cluster.env ]] || die "no cluster in $DIR: run 'scripts/cluster.sh up' first"
  status >/dev/null || die "the cluster in $DIR is not (fully) running: $(status | grep stopped | tr '\n' ' ')"
  cat "$DIR/cluster.env"
}

restart_apiserver() {
  running kube-apiserver || die "kube-apiserver is not running in $DIR"
  # shellcheck disable=SC1091
  BIN=$(. "$DIR/cluster.env"; echo "$K8S_BIN")
  stop kube-apiserver
  poll 15 "port $API_PORT to be free" bash -c "! (exec 3<>/dev/tcp/127.0.0.1/$API_PORT)" \
    || die "port $API_PORT still in use after kube-apiserver stopped"
  start_apiserver
  wait_for 60 kube-apiserver "kube-apiserver /readyz" apiserver_ready
  say "kube-apiserver restarted"
}

[[ ${BASH_SOURCE[0]} == "$0" ]] || return 0   # sourced: functions only
case "${1:-}" in
  up) up ;;
  down) down ;;
  env) env_ ;;
  status) status ;;
  restart-apiserver) restart_apiserver ;;
  *) echo "usage: $0 up|down|env|status|restart-apiserver" >&2; exit 2 ;;
esac
