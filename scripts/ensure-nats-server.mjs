#!/usr/bin/env node
// Makes sure `nats-server` is on PATH before the tests run. Tests start their own servers
// (random port, temporary store); they never use one already running on this machine.
// As root on Debian/Ubuntu it installs the OS package; otherwise it says how.
import { execFileSync, spawnSync } from "node:child_process";

function onPath(bin) {
  return spawnSync("sh", ["-c", `command -v ${bin}`], { stdio: "ignore" }).status === 0;
}

if (!onPath("nats-server")) {
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (isRoot && onPath("apt-get")) {
    console.log(
      "nats-server not found on PATH: installing it with apt-get (Debian package nats-server)",
    );
    execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
    execFileSync("apt-get", ["install", "-y", "-qq", "nats-server"], {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  } else {
    console.error(
      "nats-server not found on PATH. Install it first: `sudo apt-get install -y nats-server` " +
        "(Debian/Ubuntu), or put a nats-server 2.9+ binary on PATH.",
    );
    process.exit(2);
  }
}
