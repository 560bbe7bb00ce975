// HttpExchange: the connect / write / read steps of one request, on the caller's thread.
#include "http_exchange.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/error.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <cctype>
#include <string>
#include <utility>

namespace ktrdr::detail {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Clock = std::chrono::steady_clock;

namespace {

// Largest response header accepted.
constexpr std::uint32_t kHeaderLimit = 64 * 1024;

// The ways a kept-alive connection the server has closed shows up on the next request.
bool is_closed_connection(beast::error_code ec) {
  return ec == http::error::end_of_stream || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe ||
         ec == net::error::connection_aborted || ec == net::error::not_connected;
}

std::string_view view(beast::string_view text) { return {text.data(), text.size()}; }

// Writes `request` as Beast's serializer would, but serialized here into `head` (the request
// line and fields) and sent with the body in one gathered write: Beast's generic serializer costs
// more than the rest of a small request's client side. A chunked request goes through Beast.
std::size_t write_request(net::ip::tcp::socket& socket, const HttpRequestMessage& request,
                          std::string& head, beast::error_code& ec) {
  if (request.chunked()) return http::write(socket, request, ec);
  head.clear();
  const auto method = request.method_string();
  const auto target = request.target();
  const unsigned version = request.version();
  head.append(method.data(), method.size()).append(" ").append(target.data(), target.size());
  head.append(" HTTP/").push_back(static_cast<char>('0' + version / 10 % 10));
  head.push_back('.');
  head.push_back(static_cast<char>('0' + version % 10));
  head.append("\r\n");
  for (const auto& field : request) {
    const auto name = field.name_string();
    const auto value = field.value();
    head.append(name.data(), name.size()).append(": ").append(value.data(), value.size());
    head.append("\r\n");
  }
  head.append("\r\n");
  const std::array<net::const_buffer, 2> buffers{net::buffer(head), net::buffer(request.body())};
  return net::write(socket, buffers, ec);
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The steps; the first failure is left in `outcome` (ec and step).
void exchange_steps(ExchangeOutcome& outcome, HttpConnection& connection,
                    const HttpRequestMessage& request, const ExchangeSettings& settings,
                    EndpointCache& endpoints, const CancellationToken& token,
                    IoInterrupter& interrupter) {
  auto& ec = outcome.ec;
  if (settings.reused) {
    interrupter.attach(connection.socket().native_handle());
    interrupter.arm(settings.deadline);
  } else {
    const auto connect_deadline =
        std::min(settings.deadline, Clock::now() + settings.connect_timeout);
    interrupter.arm(connect_deadline);
    auto lookup = endpoints.lookup(token, connect_deadline);
    if (lookup.ec) {
      ec = lookup.ec;
      outcome.step = lookup.step;
      return;
    }
    ec = connection.connect(*lookup.endpoints, interrupter);
    if (ec) {
      if (interrupter.why() == IoInterrupter::Why::kNone) endpoints.forget();
      outcome.step = "connect";
      return;
    }
    if (connect_deadline != settings.deadline) interrupter.arm(settings.deadline);
  }

  outcome.bytes_sent = write_request(connection.socket(), request, connection.head_buffer(), ec);
  if (ec) {
    outcome.stale = settings.reused && is_closed_connection(ec);
    outcome.step = "write";
    return;
  }

  http::response_parser<http::string_body> parser;
  parser.header_limit(kHeaderLimit);
  parser.body_limit(settings.max_response_bytes);
  if (request.method() == http::verb::head) parser.skip(true);
  // The header first: Beast 1.74 checks a Content-Length against the body limit only when the
  // header is parsed on its own.
  outcome.bytes_received += http::read_header(connection.socket(), connection.buffer(), parser, ec);
  if (ec) {
    outcome.stale = settings.reused && !parser.got_some() && is_closed_connection(ec);
    outcome.step = "read";
    return;
  }
  if (!parser.is_done()) {
    outcome.bytes_received += http::read(connection.socket(), connection.buffer(), parser, ec);
    if (ec) {
      outcome.step = "read";
      return;
    }
  }
  outcome.reusable =
      request.keep_alive() && parser.get().keep_alive() && connection.buffer().size() == 0;
  outcome.response = to_http_response(parser.release());
}

}  // namespace

HttpResponse to_http_response(http::response<http::string_body>&& res) {
  HttpResponse response;
  response.status = res.result_int();
  response.content_type = std::string(view(res[http::field::content_type]));
  for (const auto& field : res) {
    auto [it, inserted] =
        response.headers.try_emplace(lower(view(field.name_string())), view(field.value()));
    if (!inserted) {
      it->second += ", ";
      it->second += view(field.value());
    }
  }
  response.body = std::move(res.body());
  return response;
}

void explain_interruption(const IoInterrupter& interrupter, beast::error_code& ec,
                          bool& aborted) {
  if (!ec) return;
  switch (interrupter.why()) {
    case IoInterrupter::Why::kCancelled:
      aborted = true;
      break;
    case IoInterrupter::Why::kTimedOut:
      ec = beast::error::timeout;
      break;
    case IoInterrupter::Why::kNone:
      break;
  }
}

ExchangeOutcome run_exchange(std::shared_ptr<HttpConnection> connection,
                             const HttpRequestMessage& request, const ExchangeSettings& settings,
                             EndpointCache& endpoints, const CancellationToken& token) {
  ExchangeOutcome outcome;
  {
    IoInterrupter interrupter(token);
    exchange_steps(outcome, *connection, request, settings, endpoints, token, interrupter);
    interrupter.disarm();
    interrupter.detach();  // from here on the socket is ours alone
    if (interrupter.why() != IoInterrupter::Why::kNone) {
      outcome.reusable = false;
      outcome.stale = false;
    }
    explain_interruption(interrupter, outcome.ec, outcome.aborted);
  }
  if (outcome.ec) outcome.reusable = false;
  if (!outcome.reusable) connection->close();
  outcome.connection = std::move(connection);
  return outcome;
}

}  // namespace ktrdr::detail
