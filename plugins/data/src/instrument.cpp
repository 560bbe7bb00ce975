#include "instrument.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace ktrdr::data {
namespace {

constexpr std::array<std::string_view, 18> kCurrencies = {
    "USD", "EUR", "JPY", "GBP", "CHF", "AUD", "CAD", "NZD", "SEK",
    "NOK", "DKK", "HKD", "SGD", "MXN", "ZAR", "CNH", "PLN", "TRY"};
constexpr std::array<std::string_view, 4> kCryptoQuotes = {"USDT", "USDC", "BUSD", "BTC"};
constexpr std::array<std::string_view, 8> kCryptoBases = {"BTC", "ETH", "SOL", "XRP",
                                                          "ADA", "DOGE", "LTC", "BNB"};

bool one_of(std::string_view text, auto const& words) {
  return std::find(words.begin(), words.end(), text) != words.end();
}

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

}  // namespace

std::string_view to_string(Instrument instrument) noexcept {
  switch (instrument) {
    case Instrument::kStock: return "stock";
    case Instrument::kForex: return "forex";
    case Instrument::kCrypto: return "crypto";
    case Instrument::kFuture: return "future";
  }
  return "stock";
}

Result<Instrument> parse_instrument(std::string_view text) {
  for (const Instrument i :
       {Instrument::kStock, Instrument::kForex, Instrument::kCrypto, Instrument::kFuture}) {
    if (text == to_string(i)) return i;
  }
  return Error::invalid_argument(
      "instrument must be stock, forex, crypto or future, got \"" + std::string(text) + "\"",
      {{"field", "instrument"}, {"value", std::string(text)}});
}

Instrument infer_instrument(std::string_view symbol) {
  const std::string s = upper(symbol);
  if (s.size() == 6 && one_of(std::string_view(s).substr(0, 3), kCurrencies) &&
      one_of(std::string_view(s).substr(3), kCurrencies)) {
    return Instrument::kForex;
  }
  for (const std::string_view base : kCryptoBases) {
    if (s.starts_with(base) && (s.size() == base.size() || s.substr(base.size()) == "-USD" ||
                                one_of(std::string_view(s).substr(base.size()), kCryptoQuotes) ||
                                std::string_view(s).substr(base.size()) == "USD")) {
      return Instrument::kCrypto;
    }
  }
  return Instrument::kStock;
}

std::string crypto_base(std::string_view symbol) {
  const std::string s = upper(symbol);
  for (const std::string_view base : kCryptoBases) {
    if (s.starts_with(base)) return std::string(base);
  }
  return s;
}

Market market_of(Instrument instrument) noexcept {
  switch (instrument) {
    case Instrument::kStock: return Market::kUsEquity;
    case Instrument::kCrypto: return Market::kCrypto;
    case Instrument::kForex:
    case Instrument::kFuture: return Market::kFx;
  }
  return Market::kUsEquity;
}

Result<TradingCalendar> calendar_of(Instrument instrument) {
  return TradingCalendar::create(market_of(instrument));
}

}  // namespace ktrdr::data
