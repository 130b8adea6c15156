#include "solver/colgen.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "solver/coin_guard.hpp"

namespace so {

int certified_ceil(double z) { return std::max(0, static_cast<int>(std::ceil(z - kBoundEpsilon))); }

namespace {

// Tour-type rows (= d for a partition, ≥ d for a cover), then the driver-count row Σ x ≤ N.
std::vector<RestrictedMaster::RowBounds> master_rows(const std::vector<int>& demand, bool partition,
                                                     std::optional<int> max_drivers) {
  std::vector<RestrictedMaster::RowBounds> rows;
  for (int d : demand) rows.push_back({static_cast<double>(d), partition ? static_cast<double>(d) : kLpInfinity});
  rows.push_back({-kLpInfinity, max_drivers ? static_cast<double>(*max_drivers) : kLpInfinity});
  return rows;
}

}  // namespace

MasterLp::MasterLp(int num_types, std::vector<int> row_types, std::vector<int> demand, bool partition,
                   std::optional<int> max_drivers, double artificial_cost)
    : num_types_(num_types),
      row_types_(std::move(row_types)),
      demand_(std::move(demand)),
      type_row_(static_cast<size_t>(num_types), -1),
      partition_(partition),
      max_drivers_(max_drivers),
      card_row_(static_cast<int>(row_types_.size())),
      lp_(master_rows(demand_, partition_, max_drivers_), /*slacks_keep_feasible=*/false) {
  const int nrows = static_cast<int>(row_types_.size());
  for (int r = 0; r < nrows; ++r) type_row_[static_cast<size_t>(row_types_[static_cast<size_t>(r)])] = r;
  if (artificial_cost > 0) {
    std::vector<int> rows(static_cast<size_t>(nrows));
    std::iota(rows.begin(), rows.end(), 0);
    lp_.add_slacks(rows, std::vector<double>(static_cast<size_t>(nrows), artificial_cost));
  }
}

int MasterLp::add_column(const Column& col, const std::vector<BlockPattern>& blocks, double cost) {
  std::vector<int> idx = add_columns({col}, blocks, {cost});
  return idx[0];
}

std::vector<int> MasterLp::add_columns(const std::vector<Column>& cols, const std::vector<BlockPattern>& blocks,
                                       const std::vector<double>& costs) {
  // A column covers the rows of its types inside this master (others belong to other
  // components) and counts one driver.
  return lp_.add_columns(cols, costs, [&](size_t c, std::vector<int>& rows) {
    for (int b : cols[c]) {
      const BlockPattern& bp = blocks[static_cast<size_t>(b)];
      for (int i = 0; i < bp.n; ++i) {
        int r = type_row_[static_cast<size_t>(bp.types[static_cast<size_t>(i)])];
        if (r >= 0) rows.push_back(r);
      }
    }
    rows.push_back(card_row_);
  });
}

std::vector<double> MasterLp::type_duals() const {
  std::vector<double> d(static_cast<size_t>(num_types_), 0.0);
  for (size_t r = 0; r < row_types_.size(); ++r) {
    double v = lp_.row_dual(static_cast<int>(r));
    if (!partition_) v = std::max(0.0, v);  // ≥ rows of a min problem: dual ≥ 0 (clip noise)
    d[static_cast<size_t>(row_types_[r])] = v;
  }
  return d;
}

double MasterLp::driver_dual() const {
  if (!max_drivers_) return 0.0;
  return std::min(0.0, lp_.row_dual(card_row_));
}

double MasterLp::artificial_total() const {
  double s = 0;
  for (double x : lp_.slack_values()) s += x;
  return s;
}

void MasterLp::set_demand(int row, int demand) {
  demand_[static_cast<size_t>(row)] = demand;
  lp_.set_row_bounds(row, demand, partition_ ? demand : kLpInfinity);
}

void MasterLp::set_max_drivers(std::optional<int> n) {
  max_drivers_ = n;
  lp_.set_row_upper(card_row_, n ? *n : kLpInfinity);
}

CgResult run_column_generation(MasterLp& lp, const Pricer& pricer, const std::vector<BlockPattern>& blocks,
                               const CgOptions& opt, const StopFn& stop) {
  CgResult res;
  const bool pure = pricer.cost() == driver_count_cost();
  // Bounds from the duals need the exact pricing minimum; a coarse (quantised) DP only finds columns.
  const bool exact = pricer.exact();
  res.exact_pricing = exact;
  const long it0 = lp.iterations();
  const size_t nrows = lp.row_types().size();
  double demand_sum = 0;
  for (int d : lp.demand()) demand_sum += d;
  // A valid lower bound on the LP optimum from any duals (weak duality).
  auto lagrangian = [&](const std::vector<double>& pi, double mu, const PricingResult& pr) {
    double dual_obj = 0;
    for (size_t r = 0; r < nrows; ++r) dual_obj += lp.demand()[r] * pi[static_cast<size_t>(lp.row_types()[r])];
    if (lp.max_drivers()) dual_obj += *lp.max_drivers() * mu;
    if (pure && !lp.partition()) return dual_obj / std::max(1.0, pr.best_dual_value);  // π / max(1, M) is dual feasible
    const double kappa = lp.max_drivers() ? *lp.max_drivers() : demand_sum;
    return dual_obj + kappa * std::min(0.0, pr.best_reduced_cost);
  };
  std::vector<double> center;
  double center_mu = 0, best_lagr = -1e300;
  int solves = 0;
  bool have_bound = false;
  while (true) {
    if (stop && stop()) {
      res.stopped = true;
      break;
    }
    // The work limit is checked between solves (a started solve runs to its end, so the master
    // always holds a solution of its current demand); the first solve always runs.
    const long left = opt.max_lp_iterations - (lp.iterations() - it0);
    if (left <= 0 && solves > 0) {
      res.work_limited = true;
      break;
    }
    MasterLp::Status st = lp.solve(stop, std::max(left, kMinSolveIterations), opt.max_seconds);
    ++solves;
    if (st == MasterLp::Status::Infeasible) {
      res.infeasible = true;
      break;
    }
    if (st != MasterLp::Status::Optimal) {
      // Stopped by the clock / cancel (the safety net), or a pathological solve hit its cap.
      if (stop && stop()) res.stopped = true;
      else res.work_limited = res.failed = true;
      break;
    }
    res.lp_value = lp.objective();
    const std::vector<double> pi = lp.type_duals();
    const double mu = lp.driver_dual();
    // Wentges smoothing: price at a convex combination of the best-bound duals and the current
    // ones; on a mis-price (no column improving the current duals) price at the current ones.
    std::vector<Column> cols;
    std::vector<double> costs;
    bool converged = false;
    for (int attempt = 0; attempt < 2 && cols.empty(); ++attempt) {
      const double alpha = (attempt == 0 && !center.empty()) ? opt.smoothing : 0.0;
      std::vector<double> sep = pi;
      double sep_mu = mu;
      if (alpha > 0) {
        for (size_t t = 0; t < sep.size(); ++t) sep[t] = alpha * center[t] + (1 - alpha) * pi[t];
        sep_mu = alpha * center_mu + (1 - alpha) * mu;
      }
      PricingResult pr = pricer.price(sep, sep_mu, alpha > 0 ? opt.columns_per_round * 4 : opt.columns_per_round,
                                      kPricingTolerance, stop ? &stop : nullptr);
      if (pr.stopped) {
        res.stopped = true;
        break;
      }
      const double lagr = lagrangian(sep, sep_mu, pr);
      if (lagr > best_lagr) {
        best_lagr = lagr;
        center = sep;
        center_mu = sep_mu;
      }
      if (pure && !lp.partition() && exact) {
        res.dual_bound = std::max(res.dual_bound, lagr);
        have_bound = true;
      }
      for (const PricedColumn& pc : pr.columns) {
        if (static_cast<int>(cols.size()) >= opt.columns_per_round) break;
        const double cost = pricer.cost_of(pc.blocks);
        double rc = cost - mu;
        for (int b : pc.blocks) {
          const BlockPattern& bp = blocks[static_cast<size_t>(b)];
          for (int i = 0; i < bp.n; ++i) rc -= pi[static_cast<size_t>(bp.types[static_cast<size_t>(i)])];
        }
        if (rc < -kPricingTolerance) {
          cols.push_back(pc.blocks);
          costs.push_back(cost);
        }
      }
      if (alpha == 0 && pr.columns.empty()) converged = true;
    }
    (void)have_bound;
    if (res.stopped) break;

    if (converged) {
      res.converged = true;
      break;
    }
    if (opt.stop_when_certified && pure && !lp.partition() && exact &&
        certified_ceil(res.dual_bound) >= certified_ceil(res.lp_value))
      break;
    if (res.rounds >= opt.max_rounds || cols.empty()) break;
    lp.add_columns(cols, blocks, costs);

    res.columns_added += static_cast<int>(cols.size());
    ++res.rounds;
  }
  res.lp_iterations = lp.iterations() - it0;
  return res;
}

}  // namespace so
