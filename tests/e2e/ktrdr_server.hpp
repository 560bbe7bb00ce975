// A real `ktrdr serve` for end-to-end tests: started on a free port with its own database,
// stopped (SIGTERM, or killed) at the end; plus curl for requests.
#pragma once

#include <signal.h>

#include <chrono>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "ktrdr_cli.hpp"
#include "subprocess.hpp"

namespace ktrdr::test {

class KtrdrServer {
 public:
  // `launcher` goes before the binary (e.g. {"prlimit", "--fsize=N", "--"}).
  KtrdrServer(const TempDir& plugins, std::filesystem::path db,
              std::vector<std::string> extra_args = {},
              std::map<std::string, std::string> env = {{"KTRDR_PLUGIN_PATH", ""}},
              std::vector<std::string> launcher = {})
      : db_(std::move(db)) {
    std::vector<std::string> args = {"serve", "--port", "0", "--db", db_.string()};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::vector<std::string> argv = std::move(launcher);
    const auto ktrdr = ktrdr_args(plugins, args);
    argv.insert(argv.end(), ktrdr.begin(), ktrdr.end());
    process_ = std::make_unique<Subprocess>(std::move(argv), std::move(env));
    const std::regex listening(R"(listening on (http://[0-9.]+:[0-9]+))");
    process_->wait_for_line(
        [&](const std::string& line) {
          std::smatch match;
          if (!std::regex_search(line, match, listening)) return false;
          url_ = match[1].str();
          return true;
        },
        std::chrono::seconds(30));
  }

  const std::string& url() const { return url_; }
  Subprocess& process() { return *process_; }
  // Stops with SIGTERM and returns the exit code.
  std::optional<int> stop() {
    process_->signal(SIGTERM);
    return process_->wait(std::chrono::seconds(30));
  }

 private:
  std::filesystem::path db_;
  std::unique_ptr<Subprocess> process_;
  std::string url_;
};

struct CurlResponse {
  int status = 0;
  std::string body;
};

// `curl` with `args`; the status comes from -w.
inline CurlResponse curl(std::vector<std::string> args) {
  std::vector<std::string> argv = {"curl", "-s", "-S", "-w", "\n%{http_code}"};
  argv.insert(argv.end(), args.begin(), args.end());
  const Completed run = run_program(argv, {}, std::chrono::seconds(30));
  CurlResponse response;
  const auto cut = run.out.rfind('\n');
  response.body = cut == std::string::npos ? "" : run.out.substr(0, cut);
  response.status = std::atoi(run.out.c_str() + (cut == std::string::npos ? 0 : cut + 1));
  return response;
}

// POST `body` to `url` as `content_type`.
inline CurlResponse post(const std::string& url, const std::string& content_type,
                         const std::string& body) {
  return curl({"-X", "POST", "-H", "Content-Type: " + content_type, "--data-binary", body, url});
}

}  // namespace ktrdr::test
