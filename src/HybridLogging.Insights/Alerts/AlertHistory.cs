namespace HybridLogging.Insights.Alerts;

/// <summary>The bounded history of notices (oldest dropped first) and the raised alerts that have not resolved yet.</summary>
internal sealed class AlertHistory(int capacity)
{
    private readonly Lock _gate = new();
    private readonly Queue<Alert> _history = new();
    private readonly Dictionary<(string Rule, string Source), Alert> _active = [];
    private int _capacity = capacity;

    public void Add(Alert alert)
    {
        lock (_gate)
        {
            _history.Enqueue(alert);
            while (_history.Count > _capacity)
            {
                _history.Dequeue();
            }

            if (alert.State == AlertState.Raised)
            {
                _active[(alert.Rule, alert.Source)] = alert;
            }
            else
            {
                _active.Remove((alert.Rule, alert.Source));
            }
        }
    }

    public void Resize(int capacity)
    {
        lock (_gate)
        {
            _capacity = capacity;
            while (_history.Count > _capacity)
            {
                _history.Dequeue();
            }
        }
    }

    public Alert[] History()
    {
        lock (_gate)
        {
            return [.. _history];
        }
    }

    public Alert[] Active()
    {
        lock (_gate)
        {
            return [.. _active.Values.OrderBy(a => a.RaisedAt)];
        }
    }
}
