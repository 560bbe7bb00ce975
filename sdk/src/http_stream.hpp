// NdjsonStream (private to the SDK): the StreamWriter a streaming handler gets. Each write_line
// hands one line to the session's I/O thread and blocks until it is written or the connection is
// gone. serve() runs the handler on the calling (stream) thread and then ends the response.
// Thread-safe; writes are sent one at a time in call order.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string_view>

#include "ktrdr/sdk/cancellation_token.hpp"
#include "ktrdr/sdk/host_service.hpp"

namespace ktrdr::detail {

class HttpSession;

class NdjsonStream final : public StreamWriter {
 public:
  explicit NdjsonStream(std::shared_ptr<HttpSession> session);

  bool write_line(std::string_view line) override;
  bool wait_closed(std::chrono::milliseconds timeout) override;
  CancellationToken closed() const override { return closed_; }

  // Runs `handler`; an exception it throws becomes a last line {"error": {...}}. Then ends the
  // response (the last chunk).
  void serve(const StreamHandler& handler, const ServerRequest& request);

 private:
  std::shared_ptr<HttpSession> session_;
  const CancellationToken closed_;
  std::mutex write_mutex_;  // one line in flight at a time
};

}  // namespace ktrdr::detail
