// NdjsonStream: blocking line writes over the session strand.
#include "http_stream.hpp"

#include <condition_variable>
#include <exception>
#include <optional>
#include <string>
#include <utility>

#include "http_session.hpp"
#include "ktrdr/sdk/json.hpp"

namespace ktrdr::detail {
namespace {

// One write's outcome, shared with the completion that may run after write_line gave up.
struct WriteOutcome {
  std::mutex mutex;
  std::condition_variable done;
  std::optional<bool> written;
};

}  // namespace

NdjsonStream::NdjsonStream(std::shared_ptr<HttpSession> session)
    : session_(std::move(session)), closed_(session_->stream_closed()) {}

bool NdjsonStream::write_line(std::string_view line) {
  std::lock_guard one_at_a_time(write_mutex_);
  if (closed_.is_cancelled()) return false;
  auto outcome = std::make_shared<WriteOutcome>();
  const auto wake = closed_.on_cancel([outcome] {
    std::lock_guard lock(outcome->mutex);
    outcome->done.notify_all();
  });
  std::string text;
  text.reserve(line.size() + 1);
  text.append(line).push_back('\n');
  session_->post_line(std::move(text), [outcome](bool written) {
    std::lock_guard lock(outcome->mutex);
    outcome->written = written;
    outcome->done.notify_all();
  });
  std::unique_lock lock(outcome->mutex);
  outcome->done.wait(lock, [&] { return outcome->written.has_value() || closed_.is_cancelled(); });
  return outcome->written.value_or(false);
}

bool NdjsonStream::wait_closed(std::chrono::milliseconds timeout) {
  return closed_.wait_for(timeout);
}

void NdjsonStream::serve(const StreamHandler& handler, const ServerRequest& request) {
  std::optional<Error> failure;
  try {
    handler(request, *this);
  } catch (const ErrorException& e) {
    failure = e.error();
  } catch (const std::exception& e) {
    failure =
        Error::internal(std::string("stream handler for ") + request.path + " failed: " + e.what(),
                        {{"path", request.path}});
  } catch (...) {
    failure =
        Error::internal("stream handler for " + request.path + " failed", {{"path", request.path}});
  }
  if (failure) {
    Json line = Json::object();
    line.set("error", failure->to_json());
    write_line(line.dump());
  }
  session_->post_stream_end();
}

}  // namespace ktrdr::detail
