using System.Globalization;

namespace P1Telemetry.Server.Alerts;

/// <summary>A notification as a person reads it: a title, one short line of text and ntfy's tags.</summary>
public sealed record AlertMessage(string Title, string Text, string Priority, string Tags);

public static class AlertMessages
{
    /// <summary>Short human text; titles stay ASCII because they travel as HTTP header values.</summary>
    public static AlertMessage Format(AlertPayload alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return alert.Event switch
        {
            AlertKinds.PeakAtRisk => new AlertMessage("Peak at risk",
                $"Peak at risk: {Kw(alert.ProjectedW)} projected, target {Kw(alert.TargetW)} — {Kw(alert.RemainingW)} left for {Minutes(alert.SecondsLeft)}",
                "high", "warning,zap"),
            AlertKinds.PeakCertain => new AlertMessage("New peak certain",
                $"New monthly peak certain: already {Kw(alert.AverageSoFarW)} this quarter, above the target {Kw(alert.TargetW)} ({Minutes(alert.SecondsLeft)} left)",
                "high", "rotating_light,zap"),
            AlertKinds.NewMonthlyPeak => new AlertMessage("New monthly peak",
                $"New monthly peak: {Kw(alert.PeakW)} (was {Kw(alert.PreviousBilledPeakW)})"
                + (alert.YearCostChangeEur is { } cost ? string.Create(CultureInfo.InvariantCulture, $", about EUR {cost:0.00} more this year") : string.Empty),
                "default", "chart_with_upwards_trend"),
            AlertKinds.NoData => new AlertMessage("No data",
                $"No reading from {alert.DeviceId} since {alert.LastReadingAt:yyyy-MM-dd HH:mm} UTC",
                "default", "electric_plug"),
            AlertKinds.BelgianFieldsMissing => new AlertMessage("Quarter-hour fields missing",
                $"The meter of {alert.DeviceId} stopped reporting its quarter-hour peak fields; the P1 port consent may have lapsed",
                "default", "warning"),
            _ => new AlertMessage(alert.Event, alert.Event, "default", "bell"),
        };
    }

    private static string Kw(double? watts) => watts is { } w ? string.Create(CultureInfo.InvariantCulture, $"{w / 1000:0.0} kW") : "?";

    private static string Minutes(double? seconds) => seconds is { } s
        ? string.Create(CultureInfo.InvariantCulture, $"{Math.Max(1, (int)Math.Ceiling(s / 60))} min")
        : "?";
}
