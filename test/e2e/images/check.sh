#!/usr/bin/env bash
# Smoke test of the berth-test/* stand-in images (run build.sh first).
# Brings up a throwaway docker-compose project written exactly as for the
# upstream images (only `image:` swapped), checks every interface berth relies
# on, and always removes the project (containers, network, volumes).
#
#   check.sh            # needs docker-compose (v1) or `docker compose` (v2)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROJECT="berthimgcheck$$"
WORK="$(mktemp -d /tmp/berth-images-check.XXXXXX)"

if command -v docker-compose >/dev/null 2>&1; then
	COMPOSE=(docker-compose)
elif docker compose version >/dev/null 2>&1; then
	COMPOSE=(docker compose)
else
	echo "check.sh: neither docker-compose nor docker compose is available" >&2
	exit 1
fi
dc() { "${COMPOSE[@]}" -p "$PROJECT" -f "$WORK/compose.yaml" "$@"; }

cleanup() {
	local rc=$?
	if [ "$rc" != 0 ]; then
		echo "--- logs (failure) ---" >&2
		dc logs --no-color --tail=30 >&2 2>&1 || true
	fi
	dc down -v --remove-orphans >/dev/null 2>&1 || true
	rm -rf "$WORK"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

pass=0
fail=0
ok() { echo "ok   - $*"; pass=$((pass + 1)); }
bad() { echo "FAIL - $*"; fail=$((fail + 1)); }
check() { # description command...
	local what="$1"; shift
	if "$@" >/dev/null; then ok "$what"; else bad "$what"; fi
}

cid() { # service -> container id (by compose labels, not names)
	docker ps -q --filter "label=com.docker.compose.project=$PROJECT" \
		--filter "label=com.docker.compose.service=$1" | head -n1
}
health() { docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$(cid "$1")" 2>/dev/null; }
wait_healthy() { # service [seconds]
	local s="$1" n="${2:-60}" i
	for ((i = 0; i < n * 2; i++)); do
		[ "$(health "$s")" = healthy ] && return 0
		sleep 0.5
	done
	return 1
}
in_svc() { local s="$1"; shift; docker exec "$(cid "$s")" "$@"; }

for img in base postgres redis prometheus postgres-exporter redis-exporter nginx nginx-exporter app; do
	docker image inspect "berth-test/$img:latest" >/dev/null 2>&1 ||
		{ echo "check.sh: berth-test/$img:latest missing; run build.sh" >&2; exit 1; }
done

# ------------------------------------------------------------ fixtures
mkdir -p "$WORK/nginx/conf.d" "$WORK/nginx/certs" "$WORK/prometheus"
docker run --rm -v "$WORK/nginx/certs:/out" berth-test/base \
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
	-keyout /out/tls.key -out /out/tls.crt >/dev/null 2>&1

cat >"$WORK/nginx/nginx.conf" <<'EOF'
user nginx;
worker_processes 1;
error_log /var/log/nginx/error.log warn;
pid /var/run/nginx.pid;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log /var/log/nginx/access.log;
    limit_req_zone $binary_remote_addr zone=perip:10m rate=50r/s;
    upstream app_upstream { server app:8000; keepalive 8; }
    include /etc/nginx/conf.d/*.conf;
}
EOF
cat >"$WORK/nginx/conf.d/site.conf" <<'EOF'
server {
    listen 80;
    listen 443 ssl http2;
    ssl_certificate     /etc/nginx/certs/tls.crt;
    ssl_certificate_key /etc/nginx/certs/tls.key;
    location / {
        limit_req zone=perip burst=20 nodelay;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_pass http://app_upstream;
    }
}
server {
    listen 8081;
    location /stub_status { stub_status; }
}
EOF
cat >"$WORK/prometheus/prometheus.yml" <<'EOF'
global: { scrape_interval: 2s, evaluation_interval: 2s }
scrape_configs:
  - job_name: prometheus
    static_configs: [{ targets: ['localhost:9090'] }]
  - job_name: postgres
    static_configs: [{ targets: ['postgres-exporter:9187'] }]
  - job_name: redis
    static_configs: [{ targets: ['redis-exporter:9121'] }]
  - job_name: nginx
    static_configs: [{ targets: ['nginx-exporter:9113'] }]
  - job_name: app
    static_configs: [{ targets: ['app:8000', 'worker:8001'] }]
EOF

# The same file berth would write for the upstream images, with image: swapped.
cat >"$WORK/compose.yaml" <<EOF
services:
  postgres:
    image: berth-test/postgres:latest
    command: ["postgres", "-c", "shared_buffers=128MB", "-c", "max_connections=100"]
    environment: { POSTGRES_USER: app, POSTGRES_PASSWORD: pgsecret, POSTGRES_DB: appdb }
    volumes: [ "pgdata:/var/lib/postgresql/data" ]
    restart: unless-stopped
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -h 127.0.0.1 -p 5432 -U app -d appdb"]
      interval: 1s
      timeout: 5s
      retries: 60
  redis:
    image: berth-test/redis:latest
    command: ["redis-server", "--requirepass", "rsecret", "--maxmemory", "256mb", "--maxmemory-policy", "allkeys-lru", "--appendonly", "yes", "--dir", "/data"]
    environment: { REDISCLI_AUTH: rsecret }
    volumes: [ "redisdata:/data" ]
    restart: unless-stopped
    healthcheck:
      test: ["CMD-SHELL", "redis-cli ping | grep -q PONG"]
      interval: 1s
      timeout: 5s
      retries: 60
  postgres-exporter:
    image: berth-test/postgres-exporter:latest
    environment:
      DATA_SOURCE_URI: "postgres:5432/appdb?sslmode=disable"
      DATA_SOURCE_USER: app
      DATA_SOURCE_PASS: pgsecret
    depends_on: { postgres: { condition: service_healthy } }
    healthcheck:
      test: ["CMD-SHELL", "wget -q --spider http://127.0.0.1:9187/metrics"]
      interval: 1s
      retries: 60
  redis-exporter:
    image: berth-test/redis-exporter:latest
    environment: { REDIS_ADDR: "redis://redis:6379", REDIS_PASSWORD: rsecret }
    depends_on: { redis: { condition: service_healthy } }
    healthcheck:
      test: ["CMD-SHELL", "wget -q --spider http://127.0.0.1:9121/metrics"]
      interval: 1s
      retries: 60
  app:
    image: berth-test/app:latest
    environment:
      DATABASE_URL: "postgres://app:pgsecret@postgres:5432/appdb?sslmode=disable"
      REDIS_URL: "redis://:rsecret@redis:6379/0"
    depends_on:
      postgres: { condition: service_healthy }
      redis: { condition: service_healthy }
      migrate: { condition: service_completed_successfully }
    healthcheck:
      test: ["CMD-SHELL", "wget -q --spider http://127.0.0.1:8000/health"]
      interval: 1s
      retries: 60
  worker:
    image: berth-test/app:latest
    command: ["test-app"]
    environment: { PORT: "8001" }
  migrate:
    image: berth-test/app:latest
    command: ["sh", "-c", "psql \"\$\$DATABASE_URL\" -c 'create table if not exists t(x int)'"]
    environment: { DATABASE_URL: "postgres://app:pgsecret@postgres:5432/appdb?sslmode=disable" }
    depends_on: { postgres: { condition: service_healthy } }
  nginx:
    image: berth-test/nginx:latest
    command: ["nginx", "-g", "daemon off;"]
    volumes:
      - "$WORK/nginx/nginx.conf:/etc/nginx/nginx.conf:ro"
      - "$WORK/nginx/conf.d:/etc/nginx/conf.d:ro"
      - "$WORK/nginx/certs:/etc/nginx/certs:ro"
    depends_on: { app: { condition: service_healthy } }
    healthcheck:
      test: ["CMD-SHELL", "wget -q --spider http://127.0.0.1:8081/stub_status"]
      interval: 1s
      retries: 60
  nginx-exporter:
    image: berth-test/nginx-exporter:latest
    command: ["--nginx.scrape-uri=http://nginx:8081/stub_status"]
    depends_on: { nginx: { condition: service_healthy } }
    healthcheck:
      test: ["CMD-SHELL", "wget -q --spider http://127.0.0.1:9113/metrics"]
      interval: 1s
      retries: 60
  prometheus:
    image: berth-test/prometheus:latest
    command: ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus", "--storage.tsdb.retention.time=15d", "--web.enable-lifecycle"]
    volumes:
      - "$WORK/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro"
      - "promdata:/prometheus"
    healthcheck:
      test: ["CMD-SHELL", "wget -q --spider http://127.0.0.1:9090/-/ready"]
      interval: 1s
      retries: 60
volumes:
  pgdata: {}
  redisdata: {}
  promdata: {}
EOF

# ------------------------------------------------------------ up
t0=$SECONDS
dc up -d >"$WORK/up.log" 2>&1 || { cat "$WORK/up.log" >&2; exit 1; }
for s in postgres redis postgres-exporter redis-exporter app nginx nginx-exporter prometheus; do
	check "$s healthy" wait_healthy "$s" 90
done
echo "#    stack healthy after $((SECONDS - t0))s"

# ------------------------------------------------------------ postgres
check "postgres: server is PID 1 as user postgres" \
	bash -c "[ \"\$(docker exec $(cid postgres) ps -o user= -p 1)\" = postgres ]"
check "postgres: -c options applied" \
	bash -c "[ \"\$(docker exec $(cid postgres) psql -U app -d appdb -tAc 'show shared_buffers')\" = 128MB ]"
check "postgres: scram-sha-256 rule in pg_hba" \
	in_svc postgres grep -qx 'host all all all scram-sha-256' /var/lib/postgresql/data/pg_hba.conf
check "postgres: password auth over the network" \
	docker run --rm --network "${PROJECT}_default" -e PGPASSWORD=pgsecret berth-test/postgres \
	psql -h postgres -U app -d appdb -tAc 'select 1'
check "postgres: wrong password refused" \
	bash -c "! docker run --rm --network ${PROJECT}_default -e PGPASSWORD=nope berth-test/postgres psql -h postgres -U app -d appdb -tAc 'select 1' 2>/dev/null"
in_svc postgres psql -U app -d appdb -qc 'create table keep(v int); insert into keep values (7)'
before="$(docker inspect -f '{{.RestartCount}}' "$(cid postgres)")"
kill -9 "$(docker inspect -f '{{.State.Pid}}' "$(cid postgres)")"
sleep 1
check "postgres: restarted by the restart policy after kill -9" wait_healthy postgres 60
check "postgres: RestartCount went up" \
	bash -c "[ \"\$(docker inspect -f '{{.RestartCount}}' $(cid postgres))\" -gt $before ]"
check "postgres: data survived the crash" \
	bash -c "[ \"\$(docker exec $(cid postgres) psql -U app -d appdb -tAc 'select v from keep')\" = 7 ]"

# ------------------------------------------------------------ redis
check "redis: PONG with REDISCLI_AUTH" bash -c "docker exec $(cid redis) redis-cli ping | grep -q PONG"
check "redis: reachable by service name from another container" \
	bash -c "docker run --rm --network ${PROJECT}_default -e REDISCLI_AUTH=rsecret berth-test/redis redis-cli -h redis ping | grep -q PONG"
check "redis: requirepass enforced" \
	bash -c "! docker run --rm --network ${PROJECT}_default berth-test/redis redis-cli -h redis ping | grep -q PONG"
check "redis: runs as redis, appendonly on" \
	bash -c "[ \"\$(docker exec $(cid redis) ps -o user= -p 1)\" = redis ] && docker exec $(cid redis) redis-cli config get appendonly | grep -qx yes"

# ------------------------------------------------------------ app
check "app: /check reaches postgres and redis" \
	bash -c "docker exec $(cid app) wget -qO- http://127.0.0.1:8000/check | grep -qx '{\"postgres\":\"ok\",\"redis\":\"ok\"}'"
check "app: /metrics has test_app_requests_total" \
	bash -c "docker exec $(cid app) wget -qO- http://127.0.0.1:8000/metrics | grep -q '^test_app_requests_total{'"
check "app: worker listens on its own PORT" \
	docker exec "$(cid app)" wget -q --spider http://worker:8001/health
check "app: one-shot job (migrate) created the table" \
	bash -c "docker exec $(cid postgres) psql -U app -d appdb -tAc \"select to_regclass('public.t')\" | grep -qx t"
check "app: logs one line per request" bash -c "docker logs $(cid app) 2>&1 | grep -q 'GET /check'"

# ------------------------------------------------------------ nginx
check "nginx: proxies to the app over http" \
	bash -c "docker exec $(cid app) wget -qO- http://nginx/health | grep -qx ok"
check "nginx: https (ssl + http2 listener)" \
	bash -c "docker exec $(cid app) curl -skf https://nginx/health | grep -qx ok"
check "nginx: stub_status" \
	bash -c "docker exec $(cid app) wget -qO- http://nginx:8081/stub_status | grep -q 'Active connections'"
check "nginx-exporter: nginx_up 1" \
	bash -c "docker exec $(cid app) wget -qO- http://nginx-exporter:9113/metrics | grep -qx 'nginx_up 1'"

# ------------------------------------------------------------ exporters + prometheus
check "postgres-exporter: pg_up 1" \
	bash -c "docker exec $(cid app) wget -qO- http://postgres-exporter:9187/metrics | grep -qx 'pg_up 1'"
check "redis-exporter: redis_up 1" \
	bash -c "docker exec $(cid app) wget -qO- http://redis-exporter:9121/metrics | grep -qx 'redis_up 1'"
targets_up() { # parsed inside the app container: the host needs no python
	docker exec -i "$(cid app)" python3 - <<'PY'
import json, sys, urllib.request
t = json.load(urllib.request.urlopen("http://prometheus:9090/api/v1/targets", timeout=5))
jobs = {}
for x in t["data"]["activeTargets"]:
    jobs.setdefault(x["labels"]["job"], []).append(x["health"])
want = {"prometheus", "postgres", "redis", "nginx", "app"}
ok = want <= set(jobs) and all(h == "up" for hs in jobs.values() for h in hs)
if not ok:
    print("#    targets:", jobs, file=sys.stderr)
sys.exit(0 if ok else 1)
PY
}
wait_targets() { local i; for ((i = 0; i < 30; i++)); do targets_up 2>/dev/null && return 0; sleep 1; done; targets_up; }
check "prometheus: all targets up (/api/v1/targets)" wait_targets
check "prometheus: runs as nobody, TSDB in /prometheus" \
	bash -c "[ \"\$(docker exec $(cid prometheus) id -un)\" = nobody ] && docker exec $(cid prometheus) test -d /prometheus/wal"
check "prometheus: promtool on PATH" in_svc prometheus promtool check config /etc/prometheus/prometheus.yml

# ------------------------------------------------------------ stop behaviour
t1=$(date +%s%N)
dc stop -t 20 app >/dev/null 2>&1
ms=$((($(date +%s%N) - t1) / 1000000))
check "app: exits promptly on SIGTERM (${ms}ms)" test "$ms" -lt 5000

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
