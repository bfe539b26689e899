"""Runs a command on a pseudo-terminal of COLUMNS columns (first argument) and prints a JSON line
{"exited": bool, "code": int|null, "output": str}. Used to test what only happens on a TTY
(spinners, colour) without a real terminal. Gives up after 15 seconds."""
import fcntl, json, os, pty, select, struct, sys, termios, time

columns, command = int(sys.argv[1]), sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(command[0], command)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 24, columns, 0, 0))
output, deadline = b'', time.time() + 15
while time.time() < deadline:
    ready, _, _ = select.select([fd], [], [], 0.2)
    if not ready:
        if os.waitpid(pid, os.WNOHANG)[0]:
            break
        continue
    try:
        data = os.read(fd, 65536)
    except OSError:
        break
    if not data:
        break
    output += data
code = None
for _ in range(50):
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        code = os.WEXITSTATUS(status)
        break
    time.sleep(0.1)
if code is None:
    os.kill(pid, 9)
tail = int(os.environ.get("PTY_RUN_TAIL", "4000"))
print(json.dumps({"exited": code is not None, "code": code, "output": output.decode(errors="replace")[-tail:]}))
