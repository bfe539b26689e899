"""Runs a command on a pseudo-terminal and answers its prompts, as a person would type: the first
argument is a JSON list of [regex, text] pairs; when the output so far matches regex (searched
after the previous answer), text is written to the terminal. Prints a JSON line
{"exited": bool, "code": int|null, "signal": int|null, "output": str}. Gives up after 20 seconds."""
import fcntl, json, os, pty, re, select, struct, sys, termios, time

answers, command = json.loads(sys.argv[1]), sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(command[0], command)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 24, 80, 0, 0))
output, seen, deadline = b'', 0, time.time() + 20
while time.time() < deadline:
    if answers and re.search(answers[0][0], output[seen:].decode(errors='replace')):
        time.sleep(0.2)  # the program switches the terminal to raw mode right after the question
        os.write(fd, answers[0][1].encode())
        seen = len(output)
        answers.pop(0)
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
code, signal = None, None
for _ in range(50):
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
        signal = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        break
    time.sleep(0.1)
if code is None and signal is None:
    os.kill(pid, 9)
print(json.dumps({"exited": code is not None or signal is not None, "code": code, "signal": signal, "output": output.decode(errors="replace")[-6000:]}))
