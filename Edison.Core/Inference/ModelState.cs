namespace Edison.Core.Inference;

public enum ModelState
{
    Loading,
    Ready,
    Failed,
}
