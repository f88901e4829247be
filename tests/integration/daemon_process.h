// A child process for the daemon's integration tests: started with fork/exec, its first stdout
// line read for "listening on <host>:<port>", stderr kept in a file for the test's messages.
// Stopped by pid (SIGTERM, then SIGKILL) when destroyed. Every wait is bounded.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/listening_port.h"

namespace ojsync::testing {

// The argv of `binary` with `args` (which must outlive it), built BEFORE a fork: between fork
// and exec a child of a multithreaded test may only make async-signal-safe calls. An
// allocation there waits forever for an allocator lock another thread held at the fork (seen
// under AddressSanitizer: a restarted daemon never started, its child spinning in ASan's
// allocator).
inline std::vector<char*> exec_argv(const std::string& binary, std::vector<std::string>& args) {
  std::vector<char*> argv{const_cast<char*>(binary.c_str())};
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return argv;
}

class ChildProcess {
 public:
  // Starts `binary` with `args`; stderr goes to `stderr_path`. port() is 0 when no
  // "listening on" line came within 30 s.
  ChildProcess(const std::string& binary, std::vector<std::string> args, std::string stderr_path)
      : stderr_path_(std::move(stderr_path)) {
    const auto started = std::chrono::steady_clock::now();
    const std::vector<char*> argv = exec_argv(binary, args);
    int out[2];
    if (::pipe(out) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {  // Async-signal-safe calls only, up to execv (see exec_argv).
      ::dup2(out[1], STDOUT_FILENO);
      const int err = ::open(stderr_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (err >= 0) ::dup2(err, STDERR_FILENO);
      ::close(out[0]);
      ::close(out[1]);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    port_ = ojsync::testing::read_listening_port(out[0]);
    ::close(out[0]);
    announce_wait_ = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess() {
    if (pid_ > 0 && exit_status_ < 0) terminate(std::chrono::seconds(10));
  }

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Sends SIGTERM and waits up to `grace` for the exit; then SIGKILL. Returns the exit code,
  // or 128 + signal when it was killed by one.
  int terminate(std::chrono::seconds grace) {
    if (pid_ <= 0) return -1;
    if (exit_status_ >= 0) return exit_status_;
    ::kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + grace;
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) return exit_status_ = decode(status);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
    return exit_status_ = decode(status);
  }

  // kill -9: no chance to finish anything. Returns 128 + SIGKILL once it is gone.
  int kill_now() {
    if (pid_ <= 0) return -1;
    if (exit_status_ >= 0) return exit_status_;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    return exit_status_ = decode(status);
  }

  // How the start went, for a failure message: how long the announcement took or was
  // awaited, and whether a process that announced nothing still runs.
  std::string startup_report() {
    std::string report = (port_ > 0 ? "announced its port after " : "no port announced in ") +
                         std::to_string(announce_wait_.count()) + " ms";
    if (port_ > 0 || pid_ <= 0) return report;
    int status = 0;
    if (exit_status_ < 0 && ::waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_status_ = decode(status);
    }
    return report + (exit_status_ < 0 ? "; still running"
                                      : "; exited with " + std::to_string(exit_status_));
  }

  std::string stderr_text() const {
    std::ifstream in(stderr_path_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

 private:
  static int decode(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
  }

  std::string stderr_path_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::chrono::milliseconds announce_wait_{0};
  int exit_status_ = -1;
};

// Runs a command to completion (bounded by the caller's arguments), returning its exit code
// and stdout.
struct CommandResult {
  int exit_code = -1;
  std::string out;
};

inline CommandResult run_command(const std::string& binary, std::vector<std::string> args) {
  int out[2];
  CommandResult result;
  const std::vector<char*> argv = exec_argv(binary, args);
  if (::pipe(out) != 0) return result;
  const pid_t pid = ::fork();
  if (pid == 0) {  // Async-signal-safe calls only, up to execv (see exec_argv).
    ::dup2(out[1], STDOUT_FILENO);
    const int null = ::open("/dev/null", O_WRONLY);
    if (null >= 0) ::dup2(null, STDERR_FILENO);
    ::close(out[0]);
    ::close(out[1]);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  char buf[4096];
  for (ssize_t n; (n = ::read(out[0], buf, sizeof buf)) > 0;)
    result.out.append(buf, static_cast<std::size_t>(n));
  ::close(out[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace ojsync::testing
