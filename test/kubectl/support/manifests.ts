// The manifests the kubectl suite applies: a small app (Namespace, Deployment, Service,
// ConfigMap) as one multi-document YAML file, as users keep them.

export interface AppOptions {
  namespace: string
  replicas: number
  greeting: string
}

export function appManifest({ namespace, replicas, greeting }: AppOptions): string {
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${namespace}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${namespace}
  labels:
    app: web
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: ${namespace}
  labels:
    app: web
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: 80
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
  namespace: ${namespace}
  labels:
    app: web
data:
  greeting: ${greeting}
`
}

/** A Deployment with a misspelt field (`imagePullPolice`). */
export function misspeltDeployment(namespace: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: misspelt
  namespace: ${namespace}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: misspelt
  template:
    metadata:
      labels:
        app: misspelt
    spec:
      containers:
        - name: web
          image: nginx:1.27
          imagePullPolice: Always
`
}

/** A Deployment that decodes but does not validate. */
export function negativeReplicas(namespace: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: negative
  namespace: ${namespace}
spec:
  replicas: -1
  selector:
    matchLabels:
      app: negative
  template:
    metadata:
      labels:
        app: negative
    spec:
      containers:
        - name: web
          image: nginx:1.27
`
}

/** Splits kubectl's table output into rows of cells (cells never contain spaces in our fixtures). */
export function tableRows(output: string): string[][] {
  return output
    .trim()
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => line.trim().split(/\s+/))
}
