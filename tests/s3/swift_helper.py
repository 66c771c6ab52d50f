#!/usr/bin/python3
"""What swift.sh needs from Python, run with Debian's /usr/bin/python3 (which has Swift).

  swift_helper.py ports N                 N free TCP ports on 127.0.0.1, one a line
  swift_helper.py serve DIR MEMCACHED_PORT [OWNER_PID]
                                          builds single-replica rings in DIR and serves
                                          DIR/{account,container,object,proxy}-server.conf
                                          with a memcached of its own; when OWNER_PID ends,
                                          stops and removes DIR
  swift_helper.py wait SECONDS PID PORT... waits until every port answers GET /healthcheck,
                                          failing at once if process PID ends

`serve` runs Swift's four WSGI applications (the same paste pipelines, middleware and HTTP
protocol class as swift-*-server) in one process on one eventlet hub, instead of four
processes that each import Swift: on two busy cores this starts in ~2 s instead of ~12 s
and takes ~70 MB instead of ~250 MB. It also points Swift at DIR/swift.conf first: Swift's
servers otherwise read the cluster settings (hash prefix, storage policies, constraints)
from /etc/swift/swift.conf whatever their own config says.
"""
import ctypes
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time

KINDS = ('account', 'container', 'object', 'proxy')


def free_ports(n):
    # All sockets stay bound until every port is known, so the N ports differ.
    socks = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(('127.0.0.1', 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def build_rings(directory, ports):
    from swift.common.ring import RingBuilder
    # 2^6 partitions: rebalancing is instant and one device holds everything anyway.
    for name, port in ports.items():
        builder = RingBuilder(6, 1, 1)
        builder.add_dev({'id': 0, 'region': 1, 'zone': 1, 'ip': '127.0.0.1',
                         'port': int(port), 'device': 'd1', 'weight': 1.0,
                         'meta': ''})
        builder.rebalance()
        builder.get_ring().save('%s/%s.ring.gz' % (directory, name))


def listen(conf):
    # Not swift.common.wsgi.get_socket: that retries a taken port for 30 s, and a start
    # that lost its port to another program should fail at once.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((conf['bind_ip'], int(conf['bind_port'])))
    sock.listen(1024)
    return sock


def start_memcached(directory, port):
    def die_with_parent():
        # PR_SET_PDEATHSIG: memcached ends with this process, however this process ends.
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)
    argv = ['/usr/bin/memcached', '-l', '127.0.0.1', '-p', str(port), '-U', '0',
            '-m', '16', '-c', '64', '-t', '1']
    if os.geteuid() == 0:
        argv += ['-u', pwd.getpwuid(0).pw_name]  # memcached refuses root without -u
    with open('%s/log/memcached.log' % directory, 'ab') as log:
        return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                preexec_fn=die_with_parent)


def serve(directory, memcached_port, owner_pid):
    try:
        os.setxattr('%s/srv/d1' % directory, 'user.ossmp', b'1')
    except OSError as e:
        sys.exit('swift_helper: the file system under %s has no user extended attributes, '
                 'which Swift needs to store objects (%s); set TMPDIR to another file system'
                 % (directory, e))
    memcached = start_memcached(directory, memcached_port)

    def stop(*_):
        memcached.terminate()
        try:
            memcached.wait(5)
        except subprocess.TimeoutExpired:
            memcached.kill()
        os._exit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    from swift.common import utils
    if not utils.set_swift_dir(directory):
        sys.exit('swift_helper: cannot use %s as swift_dir' % directory)
    from swift.common import constraints, storage_policy
    storage_policy.reload_storage_policies()
    constraints.reload_constraints()
    from swift.common import wsgi
    import eventlet
    import eventlet.wsgi

    # What swift.common.wsgi.run_wsgi and run_server do before serving, once for all four.
    utils.eventlet_monkey_patch()
    eventlet.hubs.use_hub(utils.get_hub())
    os.environ['TZ'] = 'UTC+0'
    time.tzset()
    # The first logger made with log_to_console makes every later Swift logger write to
    # stderr too, which swift.sh keeps in DIR/log/swift.log.
    utils.get_logger({}, 'swift-helper', log_to_console=True)
    confs = {kind: wsgi.appconfig('%s/%s-server.conf' % (directory, kind), name='%s-server' % kind)
             for kind in KINDS}
    build_rings(directory, {kind: confs[kind]['bind_port'] for kind in KINDS if kind != 'proxy'})
    servers = []
    for kind, conf in confs.items():
        path = conf['__file__']
        sock = listen(conf)
        app = wsgi.loadapp(path, global_conf={'log_name': '%s-server' % kind})
        servers.append(eventlet.spawn(
            eventlet.wsgi.server, sock, app, wsgi.NullLogger(),
            custom_pool=wsgi.RestrictedGreenPool(size=1024),
            protocol=wsgi.SwiftHttpProtocol,
            socket_timeout=float(conf.get('client_timeout') or 60),
            # As swift's run_server: AWS clients need "ETag", not "Etag".
            capitalize_response_headers=False))
    if owner_pid:
        # A test that dies without stopping its server (crash, timeout) must not leave
        # Swift running nor its files behind.
        def watch_owner():
            while running(owner_pid):
                eventlet.sleep(1)
            shutil.rmtree(directory, ignore_errors=True)
            stop()
        servers.append(eventlet.spawn(watch_owner))
    for server in servers:
        server.wait()


def healthy(port):
    try:
        with socket.create_connection(('127.0.0.1', port), timeout=2) as s:
            s.sendall(b'GET /healthcheck HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n')
            return s.recv(64).startswith(b'HTTP/1.1 200')
    except OSError:
        return False


def running(pid):
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except OSError:
        return False


def wait(seconds, pid, ports):
    deadline = time.monotonic() + seconds
    pending = list(ports)
    while True:
        pending = [p for p in pending if not healthy(p)]
        if not pending:
            return 0
        if not running(pid):
            print('the server process exited', file=sys.stderr)
            return 1
        if time.monotonic() > deadline:
            print('no answer on port(s) %s after %g s'
                  % (' '.join(map(str, pending)), seconds), file=sys.stderr)
            return 1
        time.sleep(0.05)


def main(argv):
    if len(argv) == 2 and argv[0] == 'ports':
        print('\n'.join(map(str, free_ports(int(argv[1])))))
    elif len(argv) in (3, 4) and argv[0] == 'serve':
        serve(argv[1], int(argv[2]), int(argv[3]) if len(argv) == 4 else 0)
    elif len(argv) >= 4 and argv[0] == 'wait':
        return wait(float(argv[1]), int(argv[2]), [int(p) for p in argv[3:]])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
