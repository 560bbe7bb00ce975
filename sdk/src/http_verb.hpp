// HttpMethod ⇄ Beast's http::verb, shared by the HTTP client and server (private to the SDK).
#pragma once

#include <boost/beast/http/verb.hpp>
#include <optional>

#include "ktrdr/sdk/async_service_adapter.hpp"

namespace ktrdr::detail {

inline boost::beast::http::verb to_verb(HttpMethod method) {
  using boost::beast::http::verb;
  switch (method) {
    case HttpMethod::kGet:
      return verb::get;
    case HttpMethod::kPost:
      return verb::post;
    case HttpMethod::kPut:
      return verb::put;
    case HttpMethod::kDelete:
      return verb::delete_;
    case HttpMethod::kHead:
      return verb::head;
  }
  return verb::unknown;
}

// nullopt for verbs ktrdr does not route (PATCH, OPTIONS …).
inline std::optional<HttpMethod> method_of(boost::beast::http::verb method) {
  using boost::beast::http::verb;
  switch (method) {
    case verb::get:
      return HttpMethod::kGet;
    case verb::post:
      return HttpMethod::kPost;
    case verb::put:
      return HttpMethod::kPut;
    case verb::delete_:
      return HttpMethod::kDelete;
    case verb::head:
      return HttpMethod::kHead;
    default:
      return std::nullopt;
  }
}

}  // namespace ktrdr::detail
