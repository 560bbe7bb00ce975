// Result<T>: a value or an Error, for every call that can fail in an expected way (I/O, parsing,
// plugin loading, HTTP). Shaped like std::expected so it can become one. Thread-compatible.
#pragma once

#include <utility>
#include <variant>

#include "ktrdr/sdk/error.hpp"

namespace ktrdr {

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  // Precondition: ok().
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // Precondition: !ok().
  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

  // The value, or throws ErrorException with the error: for boundaries that unwind.
  T value_or_throw() && {
    if (!ok()) throw ErrorException(std::get<1>(std::move(v_)));
    return std::get<0>(std::move(v_));
  }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT

  bool ok() const noexcept { return !failed_; }
  explicit operator bool() const noexcept { return ok(); }
  const Error& error() const& { return error_; }
  Error&& error() && { return std::move(error_); }
  void value_or_throw() && {
    if (failed_) throw ErrorException(std::move(error_));
  }

 private:
  Error error_;
  bool failed_ = false;
};

}  // namespace ktrdr
