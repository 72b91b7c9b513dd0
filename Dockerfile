# berth's own image: the CLI, run as `berth serve web|reporting` or `berth agent`.
# Built from an installed berth package (`berth image build`, or `berth up`
# when the image cannot be pulled), whose build context holds bin/, dist/,
# package.json and the packages the bundle leaves out (node_modules/). The Node
# base is a build argument, so the image builds where no registry is reachable:
# any image with Node 20 on glibc (the native SQLite driver is built for it).
ARG NODE_IMAGE=node:20-bookworm-slim
FROM ${NODE_IMAGE}
WORKDIR /opt/berth
COPY package.json ./
COPY node_modules ./node_modules
COPY bin ./bin
COPY dist ./dist
# Compose, for `berth agent` (and a dashboard given the host's socket), which run
# stacks on the engine they are handed: Debian's docker-compose talks to the
# engine's socket itself and needs no docker CLI. WITH_COMPOSE=0 leaves it out
# where no Debian mirror is reachable.
ARG WITH_COMPOSE=1
RUN if [ "$WITH_COMPOSE" = 1 ]; then \
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose >/dev/null \
      && rm -rf /var/lib/apt/lists/*; \
    fi
# Not root: a numeric user needs no passwd entry in any base. /data (the volume
# the stack mounts) belongs to it, so a new volume does too.
RUN ln -s /opt/berth/bin/berth.js /usr/local/bin/berth && mkdir -p /data && chown 10001:10001 /data
USER 10001:10001
ENV HOME=/data BERTH_HOME=/data/home BERTH_DATA_DIR=/data NODE_ENV=production
VOLUME /data
EXPOSE 8080
# The web server's own check (a stack's services set their own probes too).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "require('https').get({host:'127.0.0.1',port:process.env.BERTH_PORT||8080,path:'/healthz',rejectUnauthorized:false,timeout:4000},r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"]
ENTRYPOINT []
CMD ["berth", "serve", "web"]
