#include "mlp_model.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <torch/cuda.h>
#include <torch/nn/functional/activation.h>
#include <torch/torch.h>
#include <utility>

namespace ktrdr::training {
namespace {

// The names the strategy files use (kept here so the module depends on no strategy parsing).
constexpr std::array<std::pair<Activation, std::string_view>, 4> kActivationNames{{
    {Activation::kRelu, "relu"},
    {Activation::kTanh, "tanh"},
    {Activation::kSigmoid, "sigmoid"},
    {Activation::kLeakyRelu, "leaky_relu"},
}};

std::string_view activation_name(Activation activation) {
  for (const auto& [value, name] : kActivationNames) {
    if (value == activation) return name;
  }
  return "?";
}

// A second, independent stream for dropout masks (splitmix64 of the seed).
std::uint64_t mixed(std::uint64_t seed) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

torch::Tensor activate(const torch::Tensor& x, Activation activation) {
  switch (activation) {
    case Activation::kRelu: return torch::relu(x);
    case Activation::kTanh: return torch::tanh(x);
    case Activation::kSigmoid: return torch::sigmoid(x);
    case Activation::kLeakyRelu: return torch::leaky_relu(x, 0.01);
  }
  return x;
}

}  // namespace

std::string_view to_string(DeviceKind device) noexcept {
  switch (device) {
    case DeviceKind::kAuto: return "auto";
    case DeviceKind::kCpu: return "cpu";
    case DeviceKind::kCuda: return "cuda";
  }
  return "?";
}

Result<DeviceKind> parse_device_kind(std::string_view name) {
  for (const DeviceKind kind : {DeviceKind::kAuto, DeviceKind::kCpu, DeviceKind::kCuda}) {
    if (name == to_string(kind)) return kind;
  }
  return Error::invalid_argument("unknown device `" + std::string(name) +
                                     "`; expected auto, cpu or cuda",
                                 {{"field", "device"}, {"value", std::string(name)}});
}

Result<torch::Device> resolve_device(DeviceKind device) {
  const bool cuda = device != DeviceKind::kCpu && torch::cuda::is_available();
  if (device == DeviceKind::kCuda && !cuda) {
    return Error::unavailable(
        "CUDA was asked for, but this LibTorch sees no usable CUDA device (or was built "
        "without CUDA)",
        {{"field", "device"}});
  }
  return torch::Device(cuda ? torch::kCUDA : torch::kCPU);
}

MlpArchitecture MlpArchitecture::from_spec(const ModelSpec& spec, int inputs,
                                           const std::vector<std::string>& symbols) {
  MlpArchitecture architecture{.inputs = inputs,
                               .hidden_layers = spec.hidden_layers,
                               .activation = spec.activation,
                               .dropout = spec.dropout,
                               .symbol_embedding_dim = spec.symbol_embedding_dim};
  if (spec.symbol_embedding_dim > 0) architecture.symbols = symbols;
  return architecture;
}

Result<void> MlpArchitecture::validate() const {
  if (inputs < 1) {
    return Error::invalid_argument("the model needs at least one input feature, got " +
                                   std::to_string(inputs));
  }
  if (outputs < 1) {
    return Error::invalid_argument("the model needs at least one output, got " +
                                   std::to_string(outputs));
  }
  for (std::size_t i = 0; i < hidden_layers.size(); ++i) {
    if (hidden_layers[i] < 1) {
      return Error::invalid_argument("hidden layer " + std::to_string(i + 1) +
                                         " has " + std::to_string(hidden_layers[i]) +
                                         " units; it needs at least 1",
                                     {{"field", "model.hidden_layers"}});
    }
  }
  if (!(dropout >= 0.0 && dropout < 1.0)) {
    return Error::invalid_argument("dropout must be in [0, 1), got " + std::to_string(dropout),
                                   {{"field", "model.dropout"}});
  }
  if (symbol_embedding_dim < 0) {
    return Error::invalid_argument(
        "symbol_embedding_dim must be at least 1, got " + std::to_string(symbol_embedding_dim),
        {{"field", "model.symbol_embedding_dim"}});
  }
  if (symbol_embedding_dim > 0) {
    if (symbols.empty()) {
      return Error::invalid_argument("a symbol embedding needs at least one symbol",
                                     {{"field", "model.symbol_embedding_dim"}});
    }
    for (std::size_t i = 0; i < symbols.size(); ++i) {
      if (std::find(symbols.begin(), symbols.begin() + static_cast<std::ptrdiff_t>(i),
                    symbols[i]) != symbols.begin() + static_cast<std::ptrdiff_t>(i)) {
        return Error::invalid_argument("the symbol embedding names " + symbols[i] + " twice",
                                       {{"field", "symbols"}});
      }
    }
  }
  return {};
}

Json MlpArchitecture::to_json() const {
  Json json = Json::object();
  json.set("inputs", inputs);
  Json hidden = Json::array();
  for (const int units : hidden_layers) hidden.push_back(Json::integer(units));
  json.set("hidden_layers", hidden);
  json.set("activation", activation_name(activation));
  json.set("dropout", dropout);
  json.set("outputs", outputs);
  if (symbol_embedding_dim > 0) {
    json.set("symbol_embedding_dim", symbol_embedding_dim).set("symbols", symbols);
  }
  return json;
}

Result<MlpArchitecture> MlpArchitecture::from_json(const Json& json) {
  const auto bad = [](std::string_view field, std::string_view what) {
    return Error::parse("model architecture: `" + std::string(field) + "` " + std::string(what),
                        {{"field", std::string(field)}});
  };
  if (!json.is_object()) return Error::parse("model architecture: not a JSON object");
  MlpArchitecture architecture;
  const auto inputs = json.get_int("inputs");
  const auto outputs = json.get_int("outputs");
  const auto dropout = json.get_number("dropout");
  const auto activation = json.get_string("activation");
  const Json hidden = json.at("hidden_layers");
  if (!inputs) return bad("inputs", "is missing or not an integer");
  if (!outputs) return bad("outputs", "is missing or not an integer");
  if (!dropout) return bad("dropout", "is missing or not a number");
  if (!activation) return bad("activation", "is missing or not a string");
  if (!hidden.is_array()) return bad("hidden_layers", "is missing or not an array");
  architecture.inputs = static_cast<int>(*inputs);
  architecture.outputs = static_cast<int>(*outputs);
  architecture.dropout = *dropout;
  bool known = false;
  for (const auto& [value, name] : kActivationNames) {
    if (name == *activation) {
      architecture.activation = value;
      known = true;
    }
  }
  if (!known) return bad("activation", "is not one of relu, tanh, sigmoid, leaky_relu");
  for (std::size_t i = 0; i < hidden.size(); ++i) {
    const Json units = hidden[i];
    if (!units.is_integer()) return bad("hidden_layers", "has an element that is not an integer");
    architecture.hidden_layers.push_back(static_cast<int>(units.as_int()));
  }
  if (json.has("symbol_embedding_dim")) {
    const auto dim = json.get_int("symbol_embedding_dim");
    const Json symbols = json.at("symbols");
    if (!dim) return bad("symbol_embedding_dim", "is not an integer");
    if (!symbols.is_array() || symbols.as_string_array().size() != symbols.size()) {
      return bad("symbols", "is missing or not an array of names");
    }
    architecture.symbol_embedding_dim = static_cast<int>(*dim);
    architecture.symbols = symbols.as_string_array();
  }
  if (auto valid = architecture.validate(); !valid) {
    Error error = std::move(valid).error();
    error.code = ErrorCode::kParse;
    return error;
  }
  return architecture;
}

MlpModelImpl::MlpModelImpl(MlpArchitecture architecture, std::uint64_t seed)
    : architecture_(std::move(architecture)),
      dropout_generator_(at::make_generator<at::CPUGeneratorImpl>(mixed(seed))) {
  at::Generator init = at::make_generator<at::CPUGeneratorImpl>(seed);
  std::int64_t in = architecture_.inputs + architecture_.symbol_embedding_dim;
  std::vector<std::int64_t> widths(architecture_.hidden_layers.begin(),
                                   architecture_.hidden_layers.end());
  widths.push_back(architecture_.outputs);
  torch::NoGradGuard no_grad;
  for (std::size_t i = 0; i < widths.size(); ++i) {
    auto layer = register_module("linear" + std::to_string(i), torch::nn::Linear(in, widths[i]));
    // LibTorch's default Linear initialisation (kaiming_uniform with a = √5 for the weight, the
    // same bound for the bias), drawn from our generator instead of the global one.
    const double bound = 1.0 / std::sqrt(static_cast<double>(in));
    layer->weight.uniform_(-bound, bound, init);
    layer->bias.uniform_(-bound, bound, init);
    layers_.push_back(std::move(layer));
    in = widths[i];
  }
  if (architecture_.symbol_embedding_dim > 0) {
    embedding_ = register_module(
        "symbol_embedding",
        torch::nn::Embedding(static_cast<std::int64_t>(architecture_.symbols.size()),
                             architecture_.symbol_embedding_dim));
    // LibTorch's default Embedding initialisation, N(0, 1), drawn from our generator.
    embedding_->weight.normal_(0.0, 1.0, init);
  }
}

torch::Tensor MlpModelImpl::forward(const torch::Tensor& input, const torch::Tensor& symbols) {
  torch::Tensor x = input;
  if (embedding_) {
    TORCH_CHECK(symbols.defined() && symbols.size(0) == input.size(0),
                "a model with a symbol embedding needs each row's symbol");
    x = torch::cat({input, embedding_->forward(symbols)}, 1);
  }
  const std::size_t hidden = layers_.size() - 1;
  const double dropout = architecture_.dropout;
  for (std::size_t i = 0; i < hidden; ++i) {
    x = activate(layers_[i]->forward(x), architecture_.activation);
    if (dropout > 0.0 && is_training()) {
      // Inverted dropout: keep with probability 1 − p, scale the kept units by 1 / (1 − p).
      const double keep = 1.0 - dropout;
      torch::Tensor mask = torch::empty_like(x);
      if (mask.is_cpu()) {
        mask.bernoulli_(keep, dropout_generator_);
      } else {
        mask.bernoulli_(keep);  // the device's default generator: not reproducible by seed
      }
      x = x * mask.div_(keep);
    }
  }
  return layers_.back()->forward(x);
}

void MlpModelImpl::seed_dropout(std::uint64_t seed) {
  dropout_generator_.set_current_seed(mixed(seed));
}

Result<void> check_rows(const FeatureMatrix& m, std::string_view name) {
  const std::size_t rows = m.rows();
  if (m.values.size() != rows * m.cols()) {
    return Error::invalid_argument(std::string(name) + " rows: " + std::to_string(m.values.size()) +
                                   " values for " + std::to_string(rows) + " rows of " +
                                   std::to_string(m.cols()) + " features");
  }
  if (m.labels.size() != rows) {
    return Error::invalid_argument(std::string(name) + " rows: " +
                                   std::to_string(m.labels.size()) + " labels for " +
                                   std::to_string(rows) + " rows");
  }
  for (std::size_t i = 0; i < rows; ++i) {
    if (m.labels[i] < 0 || m.labels[i] >= static_cast<std::int64_t>(kLabelCount)) {
      return Error::invalid_argument(std::string(name) + " row " + std::to_string(i) +
                                     " has label " + std::to_string(m.labels[i]) +
                                     "; labels are 0 BUY, 1 HOLD, 2 SELL");
    }
  }
  return {};
}

std::pair<torch::Tensor, torch::Tensor> row_tensors(const FeatureMatrix& m, torch::Device device) {
  const auto rows = static_cast<std::int64_t>(m.rows());
  const auto cols = static_cast<std::int64_t>(m.cols());
  // LibTorch's from_blob wants a non-const pointer; the tensors are only read.
  torch::Tensor x = torch::from_blob(const_cast<float*>(m.values.data()), {rows, cols},
                                     torch::TensorOptions().dtype(torch::kFloat32));
  torch::Tensor y = torch::from_blob(const_cast<std::int64_t*>(m.labels.data()), {rows},
                                     torch::TensorOptions().dtype(torch::kInt64));
  return {x.to(device), y.to(device)};
}

Result<torch::Tensor> symbol_ids(const MlpArchitecture& architecture, const FeatureMatrix& m,
                                 torch::Device device) {
  if (architecture.symbol_embedding_dim == 0) return torch::Tensor();
  // The model's index of each of the matrix's symbols.
  std::vector<std::int64_t> index_of(m.symbols.size(), -1);
  for (std::size_t s = 0; s < m.symbols.size(); ++s) {
    const auto found =
        std::find(architecture.symbols.begin(), architecture.symbols.end(), m.symbols[s]);
    if (found != architecture.symbols.end()) index_of[s] = found - architecture.symbols.begin();
  }
  std::vector<std::int64_t> ids(m.symbol_index.size());
  for (std::size_t row = 0; row < ids.size(); ++row) {
    const auto s = static_cast<std::size_t>(m.symbol_index[row]);
    if (s >= index_of.size() || index_of[s] < 0) {
      std::string known;
      for (const std::string& name : architecture.symbols)
        known += (known.empty() ? "" : ", ") + name;
      return Error::invalid_argument(
          "the model's symbol embedding knows " + known + "; row " + std::to_string(row) +
              " is of " + (s < m.symbols.size() ? m.symbols[s] : "no symbol") +
              " (train a model with symbol_embedding_dim on every symbol it is to run on)",
          {{"field", "symbol"}});
    }
    ids[row] = index_of[s];
  }
  return torch::tensor(ids, torch::TensorOptions().dtype(torch::kInt64)).to(device);
}

torch::Tensor weighted_cross_entropy_sum(const torch::Tensor& logits, const torch::Tensor& target,
                                         const torch::Tensor& weights) {
  if (!weights.defined()) {
    return torch::cross_entropy_loss(logits, target, {}, at::Reduction::Sum);
  }
  return (torch::cross_entropy_loss(logits, target, {}, at::Reduction::None) * weights).sum();
}

RowsEvaluation evaluate_rows(MlpModelImpl& model, const torch::Tensor& x,
                             const torch::Tensor& symbols, const torch::Tensor& y,
                             const torch::Tensor& weights, std::int64_t chunk,
                             const CancellationToken& token, std::string_view where) {
  torch::NoGradGuard no_grad;
  model.eval();
  const std::int64_t rows = x.size(0);
  chunk = std::max<std::int64_t>(chunk, 1);
  const double weight_sum =
      weights.defined() ? weights.sum().item<double>() : static_cast<double>(rows);
  double loss_sum = 0.0;
  std::int64_t correct = 0;
  for (std::int64_t begin = 0; begin < rows; begin += chunk) {
    if (token.is_cancelled()) token.throw_if_cancelled(where);
    const std::int64_t n = std::min(chunk, rows - begin);
    const torch::Tensor logits = model.forward(
        x.narrow(0, begin, n), symbols.defined() ? symbols.narrow(0, begin, n) : torch::Tensor());
    const torch::Tensor target = y.narrow(0, begin, n);
    loss_sum += weighted_cross_entropy_sum(logits, target,
                                           weights.defined() ? weights.narrow(0, begin, n)
                                                             : torch::Tensor())
                    .item<double>();
    correct += logits.argmax(1).eq(target).sum().item<std::int64_t>();
  }
  return {.loss = loss_sum / weight_sum,
          .accuracy = static_cast<double>(correct) / static_cast<double>(rows)};
}

}  // namespace ktrdr::training
