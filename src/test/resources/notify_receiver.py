"""A systemd notify socket: binds a unix datagram socket and prints each datagram received as a JSON string line."""
import json
import socket
import sys

path = sys.argv[1]
receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
receiver.bind("\0" + path[1:] if path.startswith("@") else path)
print(json.dumps("bound"), flush=True)
while True:
    print(json.dumps(receiver.recv(4096).decode("utf-8")), flush=True)
